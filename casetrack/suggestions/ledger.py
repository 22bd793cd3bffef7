"""The 建议 sheet of the ledger: suggestions matched on (发出机关, 文号)."""

from __future__ import annotations

from sqlalchemy import select

from casetrack.accounts.permissions import can
from casetrack.accounts.rules import MAX_UNIT_NAME
from casetrack.audit import services as audit
from casetrack.cases.models import Case
from casetrack.cases.rules import number_key
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.ledger.context import ImportContext
from casetrack.ledger.lookups import cases_by_number
from casetrack.ledger.parsing import parse_date, parse_text, term_parser, text_parser
from casetrack.ledger.specs import Column, ParsedRow, SheetSpec
from casetrack.suggestions import rules
from casetrack.suggestions.models import Suggestion
from casetrack.suggestions.queries import scoped

#: Several units or cases in one cell.
SEPARATOR = "、"
COMPARED = ("kind", "received_on", "replied_on", "rectified_on", "unit_names", "case_ids")

COLUMNS = (
    Column("number", ("文号", "number"), text_parser(Suggestion.__table__.c.number.type.length), required=True),
    Column("kind", ("类型", "type"), term_parser(rules.TYPE_TERMS, rules.TYPES, "类型"), required=True),
    Column("issuer", ("发出机关", "issuer"), text_parser(Suggestion.__table__.c.issuer.type.length), required=True),
    Column("units", ("接收单位", "unit"), parse_text, required=True),
    Column("received_on", ("收到日期", "received_on"), parse_date, required=True),
    Column("case_numbers", ("关联案号", "case_number"), parse_text),
    Column("replied_on", ("回复日期", "replied_on"), parse_date),
    Column("rectified_on", ("整改完成日期", "rectified_on"), parse_date),
)


def _split(cell: str) -> list[str]:
    return [
        part.strip() for part in cell.replace("，", SEPARATOR).replace(",", SEPARATOR).split(SEPARATOR) if part.strip()
    ]


def state_for(replied_on, rectified_on, actor) -> str:
    """The state a row's dates put a new suggestion in: a rectification a unit reports waits for the legal bureau."""
    if rectified_on is not None:
        return "rectified" if can(actor, "manage_suggestions") else "rectification_reported"
    return "replied" if replied_on is not None else "received"


class SuggestionSheetImporter:
    def __init__(self, context: ImportContext):
        self.context = context
        self.planned: list[tuple[dict, Suggestion | None]] = []
        self.created = self.updated = self.unchanged = 0

    def plan(self, sheet: str, rows: list[ParsedRow]) -> None:
        context = self.context
        if not can(context.actor, "register_suggestions"):
            context.error(sheet, rows[0].number if rows else 1, N_("Your role cannot register suggestions."))
            return
        numbers = {n for r in rows for n in _split(r.values.get("case_numbers") or "")}
        visible = cases_by_number(numbers, context.actor)
        existing = self._existing({(r.values["issuer"], r.values["number"]) for r in rows if not r.problems})
        seen: dict[tuple, int] = {}
        for parsed in rows:
            values, before = parsed.values, len(context.errors)
            for column, message, params in parsed.problems:
                context.error(sheet, parsed.number, message, column, **params)
            if parsed.problems:
                continue
            key = (values["issuer"], values["number"])
            if key in seen:
                context.error(
                    sheet,
                    parsed.number,
                    N_("Suggestion %(number)s appears again (first in row %(first)s)."),
                    "文号",
                    number=values["number"],
                    first=seen[key],
                )
                continue
            seen[key] = parsed.number
            for field, message in rules.registration_problems(values, context.today):
                context.error(sheet, parsed.number, message, {"received_on": "收到日期"}.get(field, "文号"))
            for day, column, message in (
                (
                    values["replied_on"],
                    "回复日期",
                    N_("The reply cannot be sent before the suggestion was received (%(day)s)."),
                ),
                (
                    values["rectified_on"],
                    "整改完成日期",
                    N_("The rectification cannot be done before the suggestion was received (%(day)s)."),
                ),
            ):
                if day is not None:
                    for problem in rules.after_problems(day, values["received_on"], context.today, "", message):
                        context.error(sheet, parsed.number, problem, column, day=values["received_on"].isoformat())
            if values["rectified_on"] is not None and values["replied_on"] is None:
                context.error(sheet, parsed.number, N_("A rectification date needs the reply date."), "回复日期")
            unit_names = _split(values["units"])
            if not unit_names or any(len(name) > MAX_UNIT_NAME for name in unit_names):
                context.error(sheet, parsed.number, N_("Name the unit or units it is addressed to."), "接收单位")
            for name in unit_names:
                context.unit_for(name, sheet, parsed.number)
            case_ids, pending = [], []
            for number in _split(values["case_numbers"] or ""):
                found = visible.get(number_key(number), [])
                if len(found) == 1:
                    case_ids.append(found[0]["id"])
                elif not found and any(key == number_key(number) for _, key in context.case_keys_in_file):
                    pending.append(number_key(number))
                else:
                    context.error(
                        sheet,
                        parsed.number,
                        N_("There is no case with the number %(number)s."),
                        "关联案号",
                        number=number,
                    )
            if len(context.errors) > before:
                continue
            record = {
                "number": values["number"],
                "issuer": values["issuer"],
                "kind": values["kind"],
                "received_on": values["received_on"],
                "replied_on": values["replied_on"],
                "rectified_on": values["rectified_on"],
                "unit_names": sorted(unit_names),
                "case_ids": sorted(case_ids),
                "_pending": pending,
            }
            current = existing.get(key)
            if current is None:
                self.created += 1
            elif pending or any(self._current(current)[name] != record[name] for name in COMPARED):
                self.updated += 1
            else:
                self.unchanged += 1
                continue
            self.planned.append((record, current))

    @staticmethod
    def _current(suggestion: Suggestion) -> dict:
        return {
            "kind": suggestion.kind,
            "received_on": suggestion.received_on,
            "replied_on": suggestion.replied_on,
            "rectified_on": suggestion.rectified_on,
            "unit_names": sorted(unit.name for unit in suggestion.units),
            "case_ids": sorted(case.id for case in suggestion.cases),
        }

    @staticmethod
    def _existing(keys: set[tuple]) -> dict[tuple, Suggestion]:
        numbers = sorted({number for _, number in keys})
        found = {}
        for start in range(0, len(numbers), 500):
            for suggestion in db.session.scalars(
                select(Suggestion).where(Suggestion.number.in_(numbers[start : start + 500]))
            ):
                if (suggestion.issuer, suggestion.number) in keys:
                    found[(suggestion.issuer, suggestion.number)] = suggestion
        return found

    def apply(self) -> None:
        if not self.planned:
            return
        from casetrack.accounts.models import Unit
        from casetrack.suggestions.services import default_reply_due

        units_by_name = self.context.create_new_units()
        pending = {key for record, _ in self.planned for key in record["_pending"]}
        pending_ids = {
            key: found[0]["id"] for key, found in cases_by_number(pending, self.context.actor).items() if found
        }
        actor = self.context.actor
        for record, current in self.planned:
            units = list(
                db.session.scalars(select(Unit).where(Unit.id.in_([units_by_name[n] for n in record["unit_names"]])))
            )
            case_ids = record["case_ids"] + [pending_ids[key] for key in record["_pending"] if key in pending_ids]
            cases = list(db.session.scalars(select(Case).where(Case.id.in_(case_ids)))) if case_ids else []
            if current is None:
                suggestion = Suggestion(
                    number=record["number"],
                    issuer=record["issuer"],
                    kind=record["kind"],
                    issuer_kind=rules.TYPES[record["kind"]].issuer,
                    received_on=record["received_on"],
                    reply_due_on=default_reply_due(record["kind"], record["received_on"]),
                    replied_on=record["replied_on"],
                    rectified_on=record["rectified_on"],
                    state=state_for(record["replied_on"], record["rectified_on"], actor),
                    created_by_id=getattr(actor, "id", None),
                    units=units,
                    cases=cases,
                )
                db.session.add(suggestion)
                db.session.flush()
                audit.record("suggestion", suggestion.id, "imported", actor, [("number", None, suggestion.number)])
                continue
            before = self._current(current)
            current.kind, current.issuer_kind = record["kind"], rules.TYPES[record["kind"]].issuer
            current.received_on, current.replied_on = record["received_on"], record["replied_on"]
            current.rectified_on = record["rectified_on"]
            current.units, current.cases = units, cases
            if current.state != "closed":
                state = state_for(record["replied_on"], record["rectified_on"], actor)
                # The sheet moves a suggestion on, never back past a step the legal bureau took in the app.
                order = list(rules.STATES)
                if order.index(state) > order.index(current.state):
                    current.state = state
            after = self._current(current)
            audit.record(
                "suggestion",
                current.id,
                "imported",
                actor,
                [(name, before[name], after[name]) for name in COMPARED if before[name] != after[name]],
            )
        db.session.flush()


def row_of(suggestion: Suggestion) -> list:
    return [
        suggestion.number,
        rules.TYPES[suggestion.kind].term,
        suggestion.issuer,
        SEPARATOR.join(unit.name for unit in suggestion.units),
        suggestion.received_on,
        SEPARATOR.join(case.number for case in suggestion.cases),
        suggestion.replied_on,
        suggestion.rectified_on,
    ]


def export_rows(actor):
    stmt = scoped(select(Suggestion), actor).order_by(Suggestion.received_on, Suggestion.id)
    for suggestion in db.session.scalars(stmt):
        yield row_of(suggestion)


SUGGESTION_SHEET = SheetSpec(
    "suggestions", ("建议", "suggestions"), COLUMNS, SuggestionSheetImporter, export_rows, after=("cases",)
)
