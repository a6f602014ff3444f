"""Pure domain maths: SKDN ratios, strata, Posyandu Aktif, gaps, forecasts, roll-ups, rules.

No I/O, no asyncio, no clock; imports nothing of ours outside this package.
"""

from scoring.assess import (
    Assessment,
    InvalidReportError,
    Standing,
    YearEnd,
    assess,
    assess_stratum,
)
from scoring.document import DocumentError, assessment_to_dict, parse_document, score
from scoring.forecast import Forecast, forecast, forecast_openings, forecast_share
from scoring.gaps import (
    GAP_RATIOS,
    Band,
    Gap,
    GapCategory,
    adequacy_of_effort,
    adequacy_of_performance,
    band,
    gap,
    tki,
)
from scoring.history import KnownHistory, months_known
from scoring.model import (
    COUNT_FIELDS,
    DENOMINATOR_FIELDS,
    FIRST_REPORT_PERIOD,
    REPORT_FIELDS,
    MonthReport,
    Period,
    PeriodError,
    Stratum,
)
from scoring.ratios import RATIO_NAMES, MonthRatios, month_ratios, ratio
from scoring.reporting import (
    Reporting,
    ReportingCounts,
    ReportingState,
    count_states,
    reporting_state,
)
from scoring.rollup import AreaRollup, MemberStatus, rollup
from scoring.rules import (
    RULES,
    Problem,
    Rule,
    RuleContext,
    Severity,
    check_answer,
    check_report,
    check_value,
    hard_problems,
)
from scoring.settings import DEFAULT_SETTINGS, ScoringSettings, Targets
from scoring.strata import INDICATOR_IDS, Indicator, IndicatorId, Need, StrataResult

__all__ = [
    "COUNT_FIELDS",
    "DEFAULT_SETTINGS",
    "DENOMINATOR_FIELDS",
    "FIRST_REPORT_PERIOD",
    "GAP_RATIOS",
    "INDICATOR_IDS",
    "RATIO_NAMES",
    "REPORT_FIELDS",
    "RULES",
    "AreaRollup",
    "Assessment",
    "Band",
    "DocumentError",
    "Forecast",
    "Gap",
    "GapCategory",
    "Indicator",
    "IndicatorId",
    "InvalidReportError",
    "KnownHistory",
    "MemberStatus",
    "MonthRatios",
    "MonthReport",
    "Need",
    "Period",
    "PeriodError",
    "Problem",
    "Reporting",
    "ReportingCounts",
    "ReportingState",
    "Rule",
    "RuleContext",
    "ScoringSettings",
    "Severity",
    "Standing",
    "StrataResult",
    "Stratum",
    "Targets",
    "YearEnd",
    "adequacy_of_effort",
    "adequacy_of_performance",
    "assess",
    "assess_stratum",
    "assessment_to_dict",
    "band",
    "check_answer",
    "check_report",
    "check_value",
    "count_states",
    "forecast",
    "forecast_openings",
    "forecast_share",
    "gap",
    "hard_problems",
    "month_ratios",
    "months_known",
    "parse_document",
    "ratio",
    "reporting_state",
    "rollup",
    "score",
    "tki",
]
