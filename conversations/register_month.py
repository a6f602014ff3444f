"""A month's report from the child register, anonymous (LAPOR in a month the register
weighed): D, N, T, O, B, BGM and 2T counted from the weighings (N, T, O, B only when every
weighing could be assessed: a count the bot is unsure of is asked, never guessed), and S and
K from the register, offered to confirm. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.model import Context
from conversations.session import Prefill
from scoring import Period
from scoring.growth import BGM_FIELD, TWO_T_FIELD, GrowthError, GrowthRules, Status, assess_latest
from storage.children import RegisterMonth, WeighedChild

__all__ = ["month_prefill", "register_offers", "weighed_counts"]


def weighed_counts(children: Sequence[WeighedChild], rules: GrowthRules) -> dict[str, int]:
    """The month's counts from its weighings (each child's latest, assessed after its own)."""
    # A status's letter is its field's id (scoring.fields.WEIGHED_PARTS).
    statuses = {s.value.lower(): 0 for s in Status}
    red_line = two_t = 0
    for child in children:
        try:
            latest, _ = assess_latest(
                child.sex,
                child.birth_date,
                [w.as_growth() for w in child.weighings],
                rules,
                [w.corrected_status for w in child.weighings],  # as the kader corrected them
            )
        except GrowthError:
            continue
        statuses[latest.status.value.lower()] += 1
        red_line += latest.under_red_line
        two_t += latest.two_t
    counts = {"d": len(children), BGM_FIELD: red_line, TWO_T_FIELD: two_t}
    if sum(statuses.values()) == len(children):
        counts |= statuses
    return counts


def register_offers(month: RegisterMonth) -> dict[str, int]:
    """S, and K when the register knows it for every child."""
    return {"s": month.s} | ({"k": month.k} if month.k is not None else {})


def month_prefill(ctx: Context, period: Period) -> Prefill | None:
    """A new report of ``period`` starting from the register (None: the month was not
    weighed on it, or is already reported)."""
    month = ctx.register_months.get(period)
    data = ctx.posyandu
    if month is None or not month.weighed or ctx.growth is None or data is None:
        return None
    if period in data.reports:
        return None
    return Prefill(
        counts=weighed_counts(month.weighed, ctx.growth), register=register_offers(month)
    )
