"""Answer choices as WhatsApp quick-reply buttons, through Twilio Content Templates.

WhatsApp has no free-form buttons: a message with buttons is a Content Template of type
``twilio/quick-reply`` that the operator creates once in the Twilio Console, one per button
count (a template fixes how many buttons it has), with the text and the button titles as
variables. The rules that decide when such a template fits (Twilio's content type pages,
``twilio/quick-reply`` and "Using variables with Content Templates"; WhatsApp's reply-button
reference):

- Sent inside the 24-hour window without WhatsApp's approval (replies are inside it), a
  quick reply has at most 3 buttons (approved templates may have more, but cannot take their
  titles from variables as freely); this is the setting's 1 to 3.
- The body is at most 1,024 characters; a variable's value may not exceed the field it fills.
- A button title is 1 to 20 characters, unique within the message (WhatsApp).
- A tap comes back to the webhook as ``ButtonText`` (the title) and ``ButtonPayload`` (the
  button's id), with the title in ``Body``. The template's id is the same variable as its
  title, so whatever the webhook reads, the conversation sees the choice as written ("YA",
  "= 56"), never a number that a count question would take for a count.

The template to create, for N buttons (N = 1, 2, 3), body ``{{1}}`` and buttons
``{{2}}`` .. ``{{N+1}}``, each button's id the same variable as its title (docs/whatsapp.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.whatsapp.settings import MAX_QUICK_REPLY_BUTTONS

__all__ = ["BODY_LIMIT", "TITLE_LIMIT", "QuickReply", "quick_reply"]

#: ``twilio/quick-reply``: the body's maximum length.
BODY_LIMIT = 1024
#: WhatsApp: a reply button's title, at most.
TITLE_LIMIT = 20


@dataclass(frozen=True, slots=True)
class QuickReply:
    """What to send instead of a plain text: the template and its variables."""

    content_sid: str
    variables: Mapping[str, str]


def _titles_fit(choices: Sequence[str]) -> bool:
    if len(set(choices)) != len(choices):
        return False
    return all(0 < len(c) <= TITLE_LIMIT and c.strip() == c and "\n" not in c for c in choices)


def quick_reply(
    text: str, choices: Sequence[str], templates: Mapping[int, str]
) -> QuickReply | None:
    """The quick reply that carries ``text`` and ``choices``, or None when none fits (no
    template for that many buttons, more than 3 choices, a title too long, a body too long
    or empty): the sender then falls back to plain text."""
    sid = templates.get(len(choices))
    if sid is None or not 1 <= len(choices) <= MAX_QUICK_REPLY_BUTTONS:
        return None
    if not text.strip() or len(text) > BODY_LIMIT or not _titles_fit(choices):
        return None
    variables = {"1": text} | {str(i): c for i, c in enumerate(choices, start=2)}
    return QuickReply(sid, variables)
