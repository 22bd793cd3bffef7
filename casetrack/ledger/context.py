"""State shared by the sheet importers of one import: who imports, units met, errors found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import can
from casetrack.bulk import among, insert_rows
from casetrack.extensions import db
from casetrack.i18n import N_, params_of, translate
from casetrack.workdays.rules import WorkCalendar


@dataclass
class RowError:
    sheet: str
    #: As the person sees it in Excel, the header being 1; 0 for the file as a whole.
    row: int
    message: str  # msgid
    params: dict = field(default_factory=dict)
    column: str = ""

    def translated(self) -> str:
        """The reason in the reader's language, translated when shown (a msgid among the params too)."""
        return translate(self.message, self.params)


@dataclass
class ImportContext:
    actor: object
    today: date
    calendar: WorkCalendar
    errors: list[RowError] = field(default_factory=list)
    #: Unit names not in the database yet: created when the import is applied, and reported.
    new_units: list[str] = field(default_factory=list)
    #: (kind, number key) of cases the file itself brings, so later sheets may refer to them
    #: (cases.rules.number_key: a row may write the number in another form than the 案件 sheet did).
    case_keys_in_file: set = field(default_factory=set)
    #: (kind, number key) → respondent unit name, for those cases: a mediation row may link to one.
    case_units_in_file: dict = field(default_factory=dict)
    _units: dict[str, int] | None = None

    def error(self, sheet: str, row: int, message: str, at_column: str = "", **params) -> None:
        self.errors.append(RowError(sheet, row, message, {**params_of(message), **params}, at_column))

    @property
    def units(self) -> dict[str, int]:
        if self._units is None:
            self._units = dict(db.session.execute(select(Unit.name, Unit.id)).all())
        return self._units

    def unit_for(self, name: str, sheet: str, row: int) -> tuple[int | None, bool]:
        """(unit id or None if still to create, acceptable?) — a unit liaison may only name its own unit."""
        actor = self.actor
        if actor is not None and not can(actor, "see_all_units"):
            if self.units.get(name) != actor.unit_id:
                self.error(
                    sheet, row, N_("You can only import your own unit's cases; this row names %(unit)s."), unit=name
                )
                return None, False
            return actor.unit_id, True
        if name in self.units:
            return self.units[name], True
        if name not in self.new_units:
            self.new_units.append(name)
        return None, True

    def create_new_units(self) -> dict[str, int]:
        from casetrack.audit import services as audit

        # An earlier sheet of the same file may have made some already.
        names = [name for name in self.new_units if name not in self.units]
        if not names:
            return self.units
        insert_rows(
            Unit.__table__,
            [
                {"name": name, "kind": "town" if name.endswith(("镇", "街道", "乡")) else "department", "active": True}
                for name in names
            ],
        )
        self.units.update(db.session.execute(select(Unit.name, Unit.id).where(among(Unit.name, names))).all())
        actor_id = self.actor.id if self.actor is not None else None
        audit.record_many(
            [
                {
                    "entity_type": "unit",
                    "entity_id": self.units[name],
                    "action": "created",
                    "field": "name",
                    "after": name,
                    "actor_id": actor_id,
                    "comment": "ledger import",
                }
                for name in names
            ]
        )
        return self.units
