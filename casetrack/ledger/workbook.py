"""Writing .xlsx files fast (write-only mode) and safely (no cell is ever a formula), ready to read: a bold header
that stays in view (frozen) and columns as wide as what they hold. Every workbook the app hands out is written here."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

#: A write-only sheet writes its column widths before its first row, so widths are fitted to the header and the
#: rows held back before writing begins; the rest stream straight through, and a million-row export stays flat.
WIDTH_SAMPLE_ROWS = 200
#: Widest a column is made (about 30 Chinese characters): a long note wraps in Excel's own cell editor instead of
#: pushing every other column off the screen.
MAX_WIDTH = 60
#: Excel's cells have no padding of their own: without these two characters a fitted column clips its last glyph.
PADDING = 2
#: What a date cell shows (yyyy-mm-dd).
DATE_WIDTH = 10


def write_workbook(path, sheets: Iterable[tuple[str, list[str], Iterable[list]]]) -> dict[str, int]:
    workbook = Workbook(write_only=True)
    counts = {}
    bold = Font(bold=True)
    for title, header, rows in sheets:
        worksheet = workbook.create_sheet(title)
        rows = iter(rows)
        ahead = list(islice(rows, WIDTH_SAMPLE_ROWS))
        for index, width in enumerate(column_widths(header, ahead), start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        worksheet.freeze_panes = "A2"
        worksheet.append([_cell(worksheet, value, bold) for value in header])
        count = 0
        for row in chain(ahead, rows):
            worksheet.append([_cell(worksheet, value) for value in row])
            count += 1
        counts[title] = count
    workbook.save(path)
    return counts


def column_widths(header: list, rows: Iterable[list]) -> list[float]:
    """Each column's width in Excel's units (the width of a "0"): its widest value, capped at MAX_WIDTH."""
    widest = [shown_width(value) for value in header]
    for row in rows:
        for index, value in enumerate(row):
            width = shown_width(value)
            if index >= len(widest):
                widest.append(width)
            elif width > widest[index]:
                widest[index] = width
    return [min(width + PADDING, MAX_WIDTH) for width in widest]


def shown_width(value) -> int:
    """How many "0"-widths a value takes in a cell: a Chinese character (or a full-width ，（）) about two; a text
    of several lines its longest line."""
    if value is None:
        return 0
    if isinstance(value, date | datetime):
        return DATE_WIDTH
    text = value if isinstance(value, str) else str(value)
    return max(
        sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line) for line in text.split("\n")
    )


def _cell(worksheet, value, font=None):
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str):
        # A name like "=HYPERLINK(…)" from an applicant must stay text, not become a live formula in Excel.
        cell.data_type = "s"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    if font is not None:
        cell.font = font
    return cell
