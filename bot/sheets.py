"""Spreadsheet forms (openpyxl): a sheet written row by row with text cells that stay text, count
and share cells that stay numbers, a bold header band frozen under the title, and an A4
landscape page fitted to its width with the header repeated on every printed page.

Text that a spreadsheet would take for a formula (the CSV export's rule,
``storage.report_columns.FORMULA_STARTS``: ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return first) is written as a string cell with the quote prefix, as Excel keeps text typed
after a single quote: shown as written, never run, still text when edited. Any other text is
a string cell too (never a formula, never an error code such as ``#N/A``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from conversations.figure_words import SHEET_COUNT, SHEET_SHARE
from storage.report_columns import FORMULA_STARTS

__all__ = ["DATE_FORMAT", "Count", "Share", "Sheet", "Value"]


@dataclass(frozen=True, slots=True)
class Share:
    """A ratio (0.85), shown as a percent by the cell's number format."""

    value: float | None


@dataclass(frozen=True, slots=True)
class Count:
    """A count, written bold (a total)."""

    value: int | None


#: What a cell holds: text, a count, a measure, a date, a share, or nothing.
Value = str | int | Decimal | date | Share | Count | None
#: A date cell's format (a real date: the spreadsheet sorts and filters it as one).
DATE_FORMAT = "DD/MM/YYYY"

_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


class Sheet:
    """One worksheet, written top to bottom."""

    def __init__(self, title: str, widths: Sequence[float]) -> None:
        self.book = Workbook()
        ws = self.book.active
        assert isinstance(ws, Worksheet)
        ws.title = title
        self.ws: Worksheet = ws
        self.row = 0
        self.columns = len(widths)
        self.widths = tuple(widths)
        self._styles: dict[tuple[str | None, bool, bool, bool], StyleArray] = {}
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def text_line(self, text: str, *, bold: bool = False, size: float | None = None) -> None:
        """A line of text across the sheet (a title, a note)."""
        self.row += 1
        cell = self._cell(1, text)
        if bold or size:
            cell.font = Font(bold=bold, size=size)
        if self.columns > 1:
            self.ws.merge_cells(
                start_row=self.row, start_column=1, end_row=self.row, end_column=self.columns
            )
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # A merged cell's height is not fitted to its text by spreadsheets: a long line is
        # given the lines it needs, at about one character per width unit.
        across = sum(self.widths) * (0.8 if bold or size else 1.0)
        lines = -(-len(text) // max(int(across), 1))
        if lines > 1 or size:
            self.ws.row_dimensions[self.row].height = 15 * lines * (size or 11) / 11 + 3

    def blank(self) -> None:
        self.row += 1

    def header(self, cells: Sequence[tuple[str, int, int]]) -> int:
        """A header row: each (text, column, columns it spans). The row's number."""
        self.row += 1
        for text, column, span in cells:
            cell = self._cell(column, text)
            cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, _WRAP
            for c in range(column, column + span):
                self.ws.cell(self.row, c).border = _BOX
                self.ws.cell(self.row, c).fill = _HEAD_FILL
            if span > 1:
                self.ws.merge_cells(
                    start_row=self.row,
                    start_column=column,
                    end_row=self.row,
                    end_column=column + span - 1,
                )
        return self.row

    def values(self, values: Sequence[Value], *, bold: bool = False, boxed: bool = True) -> None:
        """A row of values from the first column."""
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = self.ws.cell(self.row, column)
            number_format, quoted = _put(cell, value)
            strong = bold or isinstance(value, Count)
            key = (number_format, quoted, strong, boxed)
            # A cell's style set attribute by attribute is hashed into the workbook's tables
            # each time (most of a big sheet's time): each combination is made once, then
            # copied, as openpyxl copies a cell's style itself.
            # (``_style``, the cell's style array, is what openpyxl's own worksheet copy
            # copies; its stubs leave it out.)
            style = self._styles.get(key)
            styled: Any = cell
            if style is not None:
                styled._style = copy(style)
                continue
            if number_format:
                cell.number_format = number_format
            cell.quotePrefix = quoted
            cell.font = _BOLD if strong else Font()
            if boxed:
                cell.border = _BOX
            self._styles[key] = copy(styled._style)

    def pair(self, label: str, value: Value, first: int, last: int, *, bold: bool = False) -> None:
        """A label across columns ``first`` to ``last`` and its value in the next one."""
        self.row += 1
        cell = self._cell(first, label)
        cell.font = Font(bold=bold)
        self.ws.merge_cells(
            start_row=self.row, start_column=first, end_row=self.row, end_column=last
        )
        for c in range(first, last + 1):
            self.ws.cell(self.row, c).border = _BOX
        if not bold:
            self._cell(last + 1, value).border = _BOX

    def finish(
        self, header_first: int, header_last: int, frozen_columns: int, *, one_page: bool = False
    ) -> None:
        """Freeze the rows down to the header's last and ``frozen_columns`` columns; print on A4
        landscape, fitted to one page wide (``one_page``: and tall), the header rows repeated
        on every page."""
        self.ws.freeze_panes = self.ws.cell(header_last + 1, frozen_columns + 1).coordinate
        setup = self.ws.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 1 if one_page else 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_options.horizontalCentered = True
        self.ws.page_margins.left = self.ws.page_margins.right = 0.4
        last = get_column_letter(self.columns)
        self.ws.print_area = f"A1:{last}{max(self.row, header_last)}"
        self.ws.print_title_rows = f"{header_first}:{header_last}"

    def _cell(self, column: int, value: Value) -> Cell | MergedCell:
        cell = self.ws.cell(self.row, column)
        number_format, quoted = _put(cell, value)
        if number_format:
            cell.number_format = number_format
        if quoted:
            cell.quotePrefix = True
        return cell

    def content(self) -> bytes:
        """The workbook as an .xlsx file."""
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def _put(cell: Cell | MergedCell, value: Value) -> tuple[str | None, bool]:
    """Write ``value`` into ``cell``: its number format, and whether it is text a spreadsheet
    would take for a formula (shown with the quote prefix)."""
    if isinstance(value, Share | Count):
        cell.value = value.value
        return (SHEET_SHARE if isinstance(value, Share) else SHEET_COUNT), False
    if isinstance(value, bool):
        raise TypeError("a flag is written as its words")
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters
        cell.data_type = "s"  # openpyxl takes "=..." for a formula: never from text
        return None, value.startswith(FORMULA_STARTS)
    cell.value = value
    if isinstance(value, int):
        return SHEET_COUNT, False
    return (DATE_FORMAT if isinstance(value, date) else None), False
