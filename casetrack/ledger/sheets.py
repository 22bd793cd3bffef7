"""The ledger's sheets as data: which headers a sheet has, how each cell is read, and which importer plans
and applies its rows. A new sheet (庭审, 调解) is one more SheetSpec in ``SHEETS``; the reading, row
numbering, all-or-nothing and dry-run machinery in ledger.services stays as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from casetrack.i18n import N_
from casetrack.ledger.parsing import CellError, is_blank


@dataclass(frozen=True)
class Column:
    key: str
    #: The contract's Chinese header first, then accepted aliases.
    headers: tuple[str, ...]
    parse: Callable
    required: bool = False

    @property
    def title(self) -> str:
        return self.headers[0]


@dataclass
class SheetSpec:
    entity: str
    #: Workbook sheet names that hold this entity (Chinese first).
    sheet_names: tuple[str, ...]
    columns: tuple[Column, ...]
    #: Builds the importer (see cases.ledger.CaseSheetImporter for the protocol).
    importer: Callable
    #: Writes this sheet's rows for an export: (actor) → iterable of row lists in column order.
    exporter: Callable
    #: Sheets whose rows this one refers to, imported first (hearings need cases).
    after: tuple[str, ...] = field(default_factory=tuple)

    def header_map(self, header: list[str]) -> dict[str, int]:
        """Column key → position, for the headers present."""
        positions = {}
        for index, title in enumerate(header):
            for column in self.columns:
                if title in column.headers or title.lower() in {h.lower() for h in column.headers}:
                    positions.setdefault(column.key, index)
        return positions

    def recognises(self, header: list[str]) -> bool:
        """A CSV belongs to this sheet when every required column's header is present."""
        positions = self.header_map(header)
        return all(column.key in positions for column in self.columns if column.required)


@dataclass
class ParsedRow:
    number: int
    values: dict
    #: (column title, message, params)
    problems: list[tuple[str, str, dict]]


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


def registry() -> dict[str, SheetSpec]:
    """Every sheet the ledger knows, in import order. Domains contribute their own spec."""
    from casetrack.cases.ledger import CASE_SHEET
    from casetrack.hearings.ledger import HEARING_SHEET
    from casetrack.mediation.ledger import MEDIATION_SHEET

    specs = [CASE_SHEET, HEARING_SHEET, MEDIATION_SHEET]
    return {spec.entity: spec for spec in specs}
