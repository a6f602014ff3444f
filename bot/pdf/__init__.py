"""PDF reports (fpdf2): the posyandu's month and the area summary, for a phone screen.

Rendering is pure and synchronous (view models in, bytes out); the service runs it in a worker
thread. Fonts travel with the package (bot/pdf/fonts/, see bot/pdf/base.py): DejaVu Sans, with
fallbacks for Cyrillic, Arabic/Jawi and Chinese names, embedded as subsets.
"""

from bot.pdf.area import render_area_summary
from bot.pdf.model import AreaRow, AreaSummaryData, MonthlyReportData, RatioLine
from bot.pdf.monthly import render_posyandu_report

__all__ = [
    "AreaRow",
    "AreaSummaryData",
    "MonthlyReportData",
    "RatioLine",
    "render_area_summary",
    "render_posyandu_report",
]
