"""Writing .xlsx files fast (write-only mode) and safely (no cell is ever a formula)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font


def write_workbook(path, sheets: Iterable[tuple[str, list[str], Iterable[list]]]) -> dict[str, int]:
    workbook = Workbook(write_only=True)
    counts = {}
    for title, header, rows in sheets:
        worksheet = workbook.create_sheet(title)
        worksheet.freeze_panes = "A2"
        bold = Font(bold=True)
        worksheet.append([_cell(worksheet, value, bold) for value in header])
        count = 0
        for row in rows:
            worksheet.append([_cell(worksheet, value) for value in row])
            count += 1
        counts[title] = count
    workbook.save(path)
    return counts


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
