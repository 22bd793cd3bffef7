"""The 调解 sheet of the ledger: mediations matched on 编号."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from casetrack import bulk
from casetrack.accounts.rules import MAX_UNIT_NAME
from casetrack.audit import services as audit
from casetrack.bulk import insert_rows
from casetrack.cases.rules import number_key
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.ledger.context import ImportContext
from casetrack.ledger.lookups import cases_by_number
from casetrack.ledger.parsing import parse_date, parse_text, term_parser, text_parser
from casetrack.ledger.specs import Column, ParsedRow, SheetSpec
from casetrack.mediation import rules, services
from casetrack.mediation.models import Mediation
from casetrack.mediation.queries import scoped

COMPARED = ("case_id", "source", "respondent_unit_id", "received_on", "concluded_on", "status")


COLUMNS = (
    Column("number", ("编号", "number"), text_parser(Mediation.__table__.c.number.type.length), required=True),
    Column("case_number", ("关联案号", "case_number"), parse_text),
    Column("respondent", ("被申请单位", "respondent"), text_parser(MAX_UNIT_NAME)),
    Column("source", ("来源", "source"), term_parser(rules.SOURCE_TERMS, rules.SOURCES, "来源")),
    Column("received_on", ("受理日期", "received_on"), parse_date, required=True),
    Column("concluded_on", ("办结日期", "concluded_on"), parse_date),
    Column("result", ("结果", "result"), term_parser(rules.RESULT_TERMS, rules.CLOSED_STATUSES, "结果")),
)


class MediationSheetImporter:
    def __init__(self, context: ImportContext):
        self.context = context
        self.planned: list[tuple[dict, dict | None, str | None]] = []
        self.created = self.updated = self.unchanged = 0

    def plan(self, sheet: str, rows: list[ParsedRow]) -> None:
        context = self.context
        try:
            services.check_can_write(context.actor)
        except DomainError as refusal:
            context.error(sheet, rows[0].number if rows else 1, refusal.message, **refusal.params)
            return
        visible = cases_by_number({r.values["case_number"] for r in rows if r.values["case_number"]}, context.actor)
        existing = self._existing({r.values["number"] for r in rows if r.values["number"]})
        seen: dict[str, int] = {}
        for parsed in rows:
            values, before = parsed.values, len(context.errors)
            for column, message, params in parsed.problems:
                context.error(sheet, parsed.number, message, column, **params)
            if parsed.problems:
                continue
            if values["number"] in seen:
                context.error(
                    sheet,
                    parsed.number,
                    N_("Mediation %(number)s appears again (first in row %(first)s)."),
                    "编号",
                    number=values["number"],
                    first=seen[values["number"]],
                )
                continue
            seen[values["number"]] = parsed.number
            case = None
            case_key = number_key(values["case_number"]) if values["case_number"] else None
            if case_key:
                matches = visible.get(case_key, [])
                in_file = [kind for kind, key in context.case_keys_in_file if key == case_key]
                if len(matches) + (len(in_file) if not matches else 0) != 1:
                    context.error(
                        sheet,
                        parsed.number,
                        N_("There is no case with the number %(number)s."),
                        "关联案号",
                        number=values["case_number"],
                    )
                    continue
                case = matches[0] if matches else None
            unit_name = values["respondent"]
            if case is None and case_key:
                unit_name = next(name for (kind, key), name in context.case_units_in_file.items() if key == case_key)
            unit_id = case["respondent_unit_id"] if case else None
            if unit_id is None:
                if not unit_name:
                    context.error(
                        sheet,
                        parsed.number,
                        N_("The required cell %(column)s is empty."),
                        "被申请单位",
                        column="被申请单位",
                    )
                    continue
                unit_id, ok = context.unit_for(unit_name, sheet, parsed.number)
                if not ok:
                    continue
            status = values["result"] or "open"
            if (status == "open") != (values["concluded_on"] is None):
                context.error(
                    sheet,
                    parsed.number,
                    N_("A result needs the date concluded, and a date concluded needs a result."),
                    "结果",
                )
                continue
            if received_problems := rules.received_problems(values["received_on"], context.today):
                for message in received_problems:
                    context.error(sheet, parsed.number, message, "受理日期")
                continue
            if values["concluded_on"]:
                problems = rules.day_problems(values["concluded_on"], values["received_on"], context.today)
                for message in problems:
                    context.error(sheet, parsed.number, message, "办结日期")
                if problems:
                    continue
            source = values["source"] or rules.source_for_case_kind(case["kind"] if case else None)
            record = {
                "number": values["number"],
                "case_id": case["id"] if case else None,
                "source": source,
                "respondent_unit_id": unit_id,
                "received_on": values["received_on"],
                "concluded_on": values["concluded_on"],
                "status": status,
            }
            if len(context.errors) > before:
                continue
            current = existing.get(values["number"])
            if current is None:
                self.created += 1
            elif any(current[name] != record[name] for name in COMPARED):
                self.updated += 1
            else:
                self.unchanged += 1
                continue
            pending_case = case_key if case_key and case is None else None
            self.planned.append((record | {"_unit_name": unit_name}, current, pending_case))

    @staticmethod
    def _existing(numbers: set[str]) -> dict[str, dict]:
        table = Mediation.__table__
        found, ordered = {}, sorted(numbers)
        for start in range(0, len(ordered), 500):
            for row in db.session.execute(
                select(table).where(table.c.number.in_(ordered[start : start + 500]))
            ).mappings():
                found[row["number"]] = dict(row)
        return found

    def apply(self) -> None:
        if not self.planned:
            return
        units = self.context.create_new_units()
        pending = {case_key for _, _, case_key in self.planned if case_key}
        case_ids = {key: rows[0]["id"] for key, rows in cases_by_number(pending, self.context.actor).items()}
        actor_id = self.context.actor.id if self.context.actor is not None else None
        table = Mediation.__table__
        creations, updates, audits = [], [], []
        for record, current, case_key in self.planned:
            unit_name = record.pop("_unit_name")
            record["respondent_unit_id"] = record["respondent_unit_id"] or units[unit_name]
            record["case_id"] = record["case_id"] or (case_ids.get(case_key) if case_key else None)
            if current is None:
                creations.append(
                    {
                        **record,
                        "parties": "",
                        "subject": "",
                        "version": 1,
                        "created_by_id": actor_id,
                        "last_activity_on": record["concluded_on"] or record["received_on"],
                        "search_grams": rules.search_grams(record["number"], "", ""),
                    }
                )
            else:
                updates.append(
                    {
                        **{k: v for k, v in record.items() if k != "number"},
                        "mediation_id": current["id"],
                        "new_version": current["version"] + 1,
                    }
                )
                audits += [
                    {
                        "entity_type": "mediation",
                        "entity_id": current["id"],
                        "action": "imported",
                        "field": name,
                        "before": current[name],
                        "after": record[name],
                        "actor_id": actor_id,
                    }
                    for name in COMPARED
                    if current[name] != record[name]
                ]
        bulk.changing(table, [row["mediation_id"] for row in updates])
        if creations:
            insert_rows(table, creations)
            ids = dict(
                db.session.execute(
                    select(table.c.number, table.c.id).where(table.c.number.in_([row["number"] for row in creations]))
                ).all()
            )
            audits += [
                {
                    "entity_type": "mediation",
                    "entity_id": ids[row["number"]],
                    "action": "imported",
                    "field": None,
                    "before": None,
                    "after": None,
                    "actor_id": actor_id,
                }
                for row in creations
            ]
        if updates:
            fields = [name for name in updates[0] if name not in ("mediation_id", "new_version")]
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("mediation_id"))
                .values(version=bindparam("new_version"), **{n: bindparam(n) for n in fields}),
                updates,
            )
        if creations:
            bulk.inserted(table, ids.values())
        bulk.changed(table, [row["mediation_id"] for row in updates])
        audit.record_many(audits)
        db.session.flush()


def mediation_row(mediation: Mediation) -> list:
    return [
        mediation.number,
        mediation.case.number if mediation.case else "",
        mediation.respondent_unit.name,
        next((term for term, code in rules.SOURCE_TERMS.items() if code == mediation.source), mediation.source),
        mediation.received_on,
        mediation.concluded_on,
        next((term for term, code in rules.RESULT_TERMS.items() if code == mediation.status), ""),
    ]


def export_rows(actor):
    stmt = scoped(select(Mediation), actor).order_by(Mediation.received_on, Mediation.id)
    for mediation in db.session.scalars(stmt.execution_options(yield_per=2000)):
        yield mediation_row(mediation)


MEDIATION_SHEET = SheetSpec(
    "mediations", ("调解", "mediations"), COLUMNS, MediationSheetImporter, export_rows, after=("cases",)
)
