"""PDF reports (fpdf2): the posyandu's month and the area summary, for a phone screen.

Rendering is pure and synchronous (view models in, bytes out); the service runs it in a worker
thread. Fonts: DejaVu Sans from Debian's fonts-dejavu-core, found at run time and embedded as
subsets (Indonesian names may carry characters outside Latin-1); a clear error when absent.
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
