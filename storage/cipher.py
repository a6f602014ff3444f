"""Encryption at rest of the child register's identities (names, mothers' names, NIK, dusun,
RT): AES-256-GCM from ``cryptography``, a fresh 96-bit random nonce per value, the column's
name as associated data (a value copied into another column does not open).

A value is stored as text, ``g1.`` and the URL-safe base64 of nonce + ciphertext + tag, so it
fits a ``TEXT`` column on both engines. The key is 32 random bytes written as URL-safe base64
(44 characters, :func:`new_key`); it comes from the deployment (``REGISTER_KEY``), never from
the database: a stolen database file or backup shows no name. Storage takes a
:class:`RegisterCipher` and knows no setting.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["KEY_BYTES", "RegisterCipher", "RegisterKeyError", "key_problem", "new_key"]

#: AES-256: the key's length in bytes.
KEY_BYTES = 32
_NONCE_BYTES = 12
_PREFIX = "g1."


class RegisterKeyError(Exception):
    """A stored value the key does not open: the database was written with another key (or
    the value was altered)."""


def new_key() -> str:
    """A fresh key, as ``REGISTER_KEY`` takes it."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _decoded(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def key_problem(text: str) -> str | None:
    """Why ``text`` cannot be a key (None: it can): 32 bytes in URL-safe base64."""
    raw = _decoded(text)
    if raw is None or len(raw) != KEY_BYTES:
        return (
            f"must be {KEY_BYTES} random bytes in URL-safe base64 (44 characters); "
            "make one with: posyandu register new-key"
        )
    return None


class RegisterCipher:
    """Encrypts and decrypts the register's identity columns with one key."""

    __slots__ = ("_aead",)

    def __init__(self, key: str) -> None:
        problem = key_problem(key)
        if problem is not None:
            raise ValueError(f"register key {problem}")
        raw = _decoded(key)
        assert raw is not None
        self._aead = AESGCM(raw)

    def __repr__(self) -> str:
        return "RegisterCipher(<key>)"

    def encrypt(self, text: str, column: str) -> str:
        """``text`` encrypted for ``column`` (its associated data)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), column.encode("ascii"))
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def encrypt_opt(self, text: str | None, column: str) -> str | None:
        return None if text is None else self.encrypt(text, column)

    def decrypt(self, stored: str, column: str) -> str:
        """The text of a value stored by :meth:`encrypt` for ``column``;
        :class:`RegisterKeyError` when this key does not open it."""
        raw = _decoded(stored.removeprefix(_PREFIX)) if stored.startswith(_PREFIX) else None
        if raw is None or len(raw) <= _NONCE_BYTES:
            raise RegisterKeyError(f"a stored {column} is not a register value")
        try:
            plain = self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], column.encode())
        except InvalidTag:
            raise RegisterKeyError(
                f"the register key does not open a stored {column} (the database was "
                "written with another REGISTER_KEY)"
            ) from None
        return plain.decode("utf-8")

    def decrypt_opt(self, stored: str | None, column: str) -> str | None:
        return None if stored is None else self.decrypt(stored, column)
