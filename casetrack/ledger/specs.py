"""The types a ledger sheet is declared with, and the registry that holds the declared sheets.

A leaf: it imports no domain package, so cases, hearings and mediation can declare their sheets here while
the ledger machinery reads them from the registry the app factory fills, and neither imports the other."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field


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

    def header_positions(self, header: list[str]) -> dict[str, list[int]]:
        """Column key → every position of a header naming it (more than one is a sheet to refuse)."""
        positions: dict[str, list[int]] = {}
        for index, title in enumerate(header):
            for column in self.columns:
                if title in column.headers or title.lower() in {h.lower() for h in column.headers}:
                    positions.setdefault(column.key, []).append(index)
        return positions

    def header_map(self, header: list[str]) -> dict[str, int]:
        """Column key → position, for the headers present."""
        return {key: found[0] for key, found in self.header_positions(header).items()}

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


class SheetRegistry(Mapping[str, SheetSpec]):
    """entity → SheetSpec, in registration order, which is the import order."""

    def __init__(self) -> None:
        self._specs: dict[str, SheetSpec] = {}

    def register(self, spec: SheetSpec) -> None:
        # Refused rather than reordered: the import order is the registration order, so a sheet registered
        # before one it refers to would be imported before the rows it needs.
        if spec.entity in self._specs:
            raise ValueError(f"ledger sheet {spec.entity!r} is registered twice")
        missing = [entity for entity in spec.after if entity not in self._specs]
        if missing:
            raise ValueError(f"ledger sheet {spec.entity!r} must be registered after {', '.join(missing)}")
        self._specs[spec.entity] = spec

    def __getitem__(self, entity: str) -> SheetSpec:
        return self._specs[entity]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)
