"""The ledger's sheets as data: which headers a sheet has, how each cell is read, and which importer plans
and applies its rows. A new sheet is one more SheetSpec (ledger.specs) registered by the app factory; the
reading, row numbering, all-or-nothing and dry-run machinery in ledger.services stays as it is."""

from __future__ import annotations

from flask import current_app

from casetrack.i18n import N_
from casetrack.ledger.parsing import CellError, is_blank
from casetrack.ledger.specs import ParsedRow, SheetRegistry, SheetSpec

#: Where the app keeps its SheetRegistry, in ``app.extensions``.
EXTENSION_KEY = "ledger_sheets"


def parse_rows(spec: SheetSpec, header: list[str], rows: list[tuple[int, list]]) -> list[ParsedRow]:
    positions = spec.header_map(header)
    parsed = []
    for number, cells in rows:
        values, problems = {}, []
        for column in spec.columns:
            position = positions.get(column.key)
            cell = cells[position] if position is not None and position < len(cells) else None
            if is_blank(cell):
                if column.required:
                    problems.append(
                        (column.title, N_("The required cell %(column)s is empty."), {"column": column.title})
                    )
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellError as error:
                problems.append((column.title, error.message, error.params))
                values[column.key] = None
        parsed.append(ParsedRow(number, values, problems))
    return parsed


def registry() -> SheetRegistry:
    """Every sheet the ledger knows, in import order: the current app's, registered by the app factory."""
    return current_app.extensions[EXTENSION_KEY]
