"""The 庭审 sheet of the ledger: hearings matched on (案号, 开庭日期)."""

from __future__ import annotations

from sqlalchemy import bindparam, select, tuple_, update

from casetrack import bulk
from casetrack.audit import services as audit
from casetrack.bulk import insert_rows
from casetrack.cases import kinds
from casetrack.cases.models import Case
from casetrack.cases.queries import scoped
from casetrack.cases.rules import number_key
from casetrack.extensions import db
from casetrack.hearings import rules
from casetrack.hearings.models import Hearing
from casetrack.i18n import N_
from casetrack.ledger.context import ImportContext
from casetrack.ledger.lookups import cases_by_number
from casetrack.ledger.parsing import parse_date, parse_text, parse_yes_no, term_parser, text_parser
from casetrack.ledger.specs import Column, ParsedRow, SheetSpec

COMPARED = ("appeared", "principal_name", "principal_title", "spoke")
#: The table whose column widths the text cells are held to.
_HEARINGS = Hearing.__table__


COLUMNS = (
    Column("case_number", ("案号", "case_number"), parse_text, required=True),
    Column("held_on", ("开庭日期", "hearing_date"), parse_date, required=True),
    Column("appeared", ("负责人出庭", "principal_appeared"), parse_yes_no),
    Column("principal_name", ("出庭负责人", "principal_name"), text_parser(_HEARINGS.c.principal_name.type.length)),
    Column(
        "principal_title",
        ("职务", "principal_title"),
        term_parser(rules.PRINCIPAL_TITLE_TERMS, rules.PRINCIPAL_TITLES, "职务"),
    ),
    Column("spoke", ("出声", "spoke"), parse_yes_no),
    Column("court", ("法院", "court"), text_parser(_HEARINGS.c.court.type.length)),
)


class HearingSheetImporter:
    def __init__(self, context: ImportContext):
        self.context = context
        self.creations: list[dict] = []
        self.updates: list[dict] = []
        self.created = self.updated = self.unchanged = 0
        self._pending_case_numbers: list[tuple[int, str]] = []

    def plan(self, sheet: str, rows: list[ParsedRow]) -> None:
        context = self.context
        numbers = {row.values["case_number"] for row in rows if row.values["case_number"]}
        visible = cases_by_number(numbers, context.actor)
        seen: dict[tuple, int] = {}
        keyed = []
        for parsed in rows:
            values = parsed.values
            for column, message, params in parsed.problems:
                context.error(sheet, parsed.number, message, column, **params)
            if parsed.problems:
                continue
            number, held_on = values["case_number"], values["held_on"]
            key = number_key(number)
            litigation = [c for c in visible.get(key, []) if kinds.has_hearings(c["kind"])]
            in_file = any((kind, key) in context.case_keys_in_file for kind in kinds.HEARING_KINDS)
            if not litigation and not in_file:
                message = (
                    N_("Case %(number)s is not a litigation case; only litigation cases have hearings.")
                    if visible.get(key)
                    else N_("There is no case with the number %(number)s.")
                )
                context.error(sheet, parsed.number, message, "案号", number=number)
                continue
            if (key, held_on) in seen:
                context.error(
                    sheet,
                    parsed.number,
                    N_("This hearing appears again (first in row %(first)s)."),
                    "开庭日期",
                    first=seen[(key, held_on)],
                )
                continue
            seen[(key, held_on)] = parsed.number
            too_early = rules.recording_day_problems(held_on, context.today) if values["appeared"] is not None else []
            for message in too_early:
                context.error(sheet, parsed.number, message, "负责人出庭")
            if too_early:
                continue
            if values["appeared"] and not values["principal_name"]:
                context.error(sheet, parsed.number, N_("Name the head who appeared."), "出庭负责人")
                continue
            case = litigation[0] if litigation else None
            if day_problems := rules.held_on_problems(held_on, case["received_on"] if case else None, context.today):
                for message in day_problems:
                    context.error(sheet, parsed.number, message, "开庭日期")
                continue
            keyed.append((parsed, case))
        if context.errors:
            return
        existing = self._existing([(case["id"], parsed.values["held_on"]) for parsed, case in keyed if case])
        for parsed, case in keyed:
            values = parsed.values
            record = {
                "held_on": values["held_on"],
                "appeared": values["appeared"],
                "principal_name": values["principal_name"] or None,
                "principal_title": values["principal_title"],
                "spoke": values["spoke"] if values["appeared"] else None,
            }
            current = existing.get((case["id"], values["held_on"])) if case else None
            if current is None:
                self.created += 1
                self.creations.append(
                    {
                        **record,
                        "court": values["court"] or "",
                        "courtroom": "",
                        "version": 1,
                        "case_id": case["id"] if case else None,
                        # This row's own case: ``key`` above is the last row's, left over from the first pass.
                        "_number_key": number_key(values["case_number"]),
                    }
                )
            elif any(current[name] != record[name] for name in COMPARED):
                self.updated += 1
                self.updates.append(
                    {
                        **record,
                        "hearing_id": current["id"],
                        "new_version": current["version"] + 1,
                        "_case_id": case["id"],
                        "_before": current,
                    }
                )
            else:
                self.unchanged += 1

    @staticmethod
    def _existing(keys: list[tuple[int, object]]) -> dict[tuple, dict]:
        table = Hearing.__table__
        found = {}
        for start in range(0, len(keys), 500):
            stmt = select(table).where(tuple_(table.c.case_id, table.c.held_on).in_(keys[start : start + 500]))
            for row in db.session.execute(stmt).mappings():
                found[(row["case_id"], row["held_on"])] = dict(row)
        return found

    def apply(self) -> None:
        actor_id = self.context.actor.id if self.context.actor is not None else None
        unresolved = {row["_number_key"] for row in self.creations if row["case_id"] is None}
        if unresolved:
            # Cases created by this same file's 案件 sheet: they exist now.
            ids = dict(
                db.session.execute(
                    scoped(select(Case.number_key, Case.id), self.context.actor).where(
                        Case.kind.in_(kinds.HEARING_KINDS), Case.number_key.in_(unresolved)
                    )
                ).all()
            )
            for row in self.creations:
                row["case_id"] = row["case_id"] or ids[row["_number_key"]]
        table = Hearing.__table__
        bulk.changing(Case.__table__, [row["case_id"] for row in self.updates])
        if self.creations:
            insert_rows(table, [{k: v for k, v in row.items() if not k.startswith("_")} for row in self.creations])
        if self.updates:
            fields = ("appeared", "principal_name", "principal_title", "spoke")
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("hearing_id"))
                .values(version=bindparam("new_version"), **{name: bindparam(name) for name in fields}),
                [{k: v for k, v in row.items() if not k.startswith("_") and k != "held_on"} for row in self.updates],
            )
        bulk.changed(Case.__table__, [row["case_id"] for row in (*self.creations, *self.updates)])
        audit.record_many(
            [
                {
                    "entity_type": "case",
                    "entity_id": row["case_id"],
                    "action": "hearing_imported",
                    "field": "hearing",
                    "before": None,
                    "after": str(row["held_on"]),
                    "actor_id": actor_id,
                    "comment": "ledger import",
                }
                for row in self.creations
            ]
            + [
                {
                    "entity_type": "case",
                    "entity_id": row["_case_id"],
                    "action": "hearing_imported",
                    "field": name,
                    "before": row["_before"][name],
                    "after": row[name],
                    "actor_id": actor_id,
                    "comment": str(row["held_on"]),
                }
                for row in self.updates
                for name in COMPARED
                if row["_before"][name] != row[name]
            ]
        )
        db.session.flush()


def export_rows(actor):
    stmt = scoped(select(Hearing, Case.number).join(Case, Case.id == Hearing.case_id), actor).order_by(
        Hearing.held_on, Hearing.id
    )
    for hearing, number in db.session.execute(stmt.execution_options(yield_per=2000)):
        yield [
            number,
            hearing.held_on,
            {True: "是", False: "否"}.get(hearing.appeared, ""),
            hearing.principal_name or "",
            next((term for term, code in rules.PRINCIPAL_TITLE_TERMS.items() if code == hearing.principal_title), ""),
            {True: "是", False: "否"}.get(hearing.spoke, ""),
            hearing.court,
        ]


HEARING_SHEET = SheetSpec(
    "hearings", ("庭审", "hearings"), COLUMNS, HearingSheetImporter, export_rows, after=("cases",)
)
