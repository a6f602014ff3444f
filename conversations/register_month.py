"""A month's report from the child register, anonymous (LAPOR in a month the register
weighed): D, N, T, O, B, BGM and 2T counted from the weighings (N, T, O, B only when every
weighing could be assessed: a count the bot is unsure of is asked, never guessed), and S and
K from the register, offered to confirm. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.model import Context
from conversations.session import Prefill
from scoring import Period
from scoring.growth import GrowthRules
from scoring.tally import month_tally
from storage.children import RegisterMonth, WeighedChild

__all__ = ["month_prefill", "register_offers", "weighed_counts"]


def weighed_counts(children: Sequence[WeighedChild], rules: GrowthRules) -> dict[str, int]:
    """The month's counts from its weighings (:func:`scoring.tally.month_tally`)."""
    return month_tally((c.as_month() for c in children), rules).counts()


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
