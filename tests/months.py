"""A valid month for the tests, derived from the registry (``scoring/fields.py``).

Every core field (its switch ``always``; ``buka`` is the report's own flag) takes the value the
bot shows kader as its example (the catalogue's ``example.<id>``: 48 balita, 45 with a KMS ...):
a month that passes every hard rule. A new core field is in every factory's month the day its
registry line and its catalogue texts are; the test factories (``tests/scoring/factories.py``,
``tests/storage/helpers.py``, ``tests/conversations/world.py``) change only what they need.
"""

from __future__ import annotations

from conversations.catalogue import say
from scoring.fields import FIELDS, Asked, Field, FieldRole, Switch
from scoring.lexicon import CHOICE_WORDS

__all__ = ["CORE_FIELDS", "example_values"]

#: The fields every report has a value for: the registry's core fields (but T, O and B, which
#: the child register gives: the tests' month is a posyandu's without the register).
CORE_FIELDS: tuple[Field, ...] = tuple(
    f
    for f in FIELDS
    if f.switch is Switch.ALWAYS and f.role is not FieldRole.FLAG and f.asked is not Asked.DERIVED
)


def example_value(f: Field) -> object:
    """The catalogue's example of ``f`` as a report holds it."""
    text = say(f"example.{f.id}")
    if f.is_count:
        return int(text)
    if f.role is FieldRole.LIST:
        return tuple(text.replace(",", " ").split())
    if f.role is FieldRole.CHOICE:
        return CHOICE_WORDS[text.upper()]
    raise ValueError(f"{f.id}: no example value for a {f.role} field")


def example_values(**overrides: object) -> dict[str, object]:
    """Every core field at its example value (``overrides`` change single fields)."""
    values = {f.id: example_value(f) for f in CORE_FIELDS}
    values.update(overrides)
    return values
