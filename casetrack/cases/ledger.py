"""The 案件 sheet of the ledger: planning rows against the database, then writing them in bulk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import selectinload

from casetrack import bulk
from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import can
from casetrack.accounts.rules import MAX_UNIT_NAME
from casetrack.audit import services as audit
from casetrack.bulk import among, ids_by_number, insert_rows
from casetrack.cases import kinds, queries, rules
from casetrack.cases.models import Applicant, Case, CaseRespondent, CaseSuspension, OutcomeReport
from casetrack.cases.queries import scoped
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.ledger.context import ImportContext
from casetrack.ledger.lookups import cases_by_number
from casetrack.ledger.parsing import parse_amount_fen, parse_choice, parse_count, parse_date, parse_text, text_parser
from casetrack.ledger.specs import Column, ParsedRow, SheetSpec

#: Ledger fields compared with the database to tell "updated" from "unchanged".
LEDGER_FIELDS = (
    "instance",
    "respondent_unit_id",
    "applicant_count",
    "matter",
    "received_on",
    "accepted_on",
    "concluded_on",
    "outcome",
    "amount_claimed_fen",
    "amount_granted_fen",
    "judgment_served_on",
    "ruling_kind",
    "related_case_id",
    "related_relation",
)
#: Optional columns a file may leave out (or a cell it leaves blank): the case keeps what is recorded.
_KEPT_WHEN_BLANK = ("amount_claimed_fen", "amount_granted_fen", "judgment_served_on", "ruling_kind")
_LOOKUP_CHUNK = 5000
#: What an existing case's row is read with: all but the search columns, which an import computes anew (and which
#: are the widest: reading them was a third of a re-import's time).
_COMPARED_COLUMNS = [column for column in Case.__table__.c if column.name not in ("search_text", "search_grams")]


def _kind(cell):
    return parse_choice(cell, {**rules.KIND_TERMS, **{k: k for k in rules.KINDS}}, "类型")


def _instance(cell):
    return parse_choice(cell, {**rules.INSTANCE_TERMS, **{k: k for k in rules.INSTANCES}}, "审级")


def _amount(cell):
    return parse_amount_fen(cell, kinds.AMOUNT_MAX_YUAN)


def _applicant_count(cell):
    return parse_count(cell, rules.MAX_APPLICANTS)


def _unit_names(cell):
    names = rules.split_unit_names(parse_text(cell))
    for name in names:
        text_parser(MAX_UNIT_NAME)(name)
    return names or None


def _matter(cell):
    return parse_choice(cell, {**rules.MATTER_TERMS, **{k: k for k in rules.MATTERS}}, "案由")


def _ruling_kind(cell):
    return parse_choice(cell, {**kinds.RULING_KIND_TERMS, **{k: k for k in kinds.RULING_KINDS}}, "裁判类型")


COLUMNS = (
    Column("number", ("案号", "number"), text_parser(rules.MAX_NUMBER), required=True),
    Column("kind", ("类型", "kind"), _kind, required=True),
    Column("instance", ("审级", "instance"), _instance),
    Column(
        "respondent", ("被申请人/被告", "respondent", "被申请人", "被告"), text_parser(MAX_UNIT_NAME), required=True
    ),
    Column("applicant", ("申请人/原告", "applicant", "申请人", "原告"), parse_text, required=True),
    Column("applicant_count", ("申请人数", "applicant_count"), _applicant_count),
    Column("matter", ("案由", "matter"), _matter),
    Column("received_on", ("收案日期", "received_on"), parse_date, required=True),
    Column("accepted_on", ("受理日期", "accepted_on"), parse_date),
    Column("concluded_on", ("审结日期", "concluded_on"), parse_date),
    Column("outcome", ("结果", "outcome"), parse_text),
    Column("amount_claimed_fen", ("请求赔偿金额", "amount_claimed"), _amount),
    Column("amount_granted_fen", ("赔偿金额", "amount_granted"), _amount),
    # The first instance of a 二审, the review a lawsuit follows (or the 二审 of a 再审): resolved by plan().
    Column("related_case", ("关联案号", "related_case"), text_parser(rules.MAX_NUMBER)),
    Column("judgment_served_on", ("判决送达日期", "judgment_served_on"), parse_date),
    Column("ruling_kind", ("裁判类型", "ruling_kind"), _ruling_kind),
    # 共同被告: a blank cell (or no such column) keeps the co-defendants recorded, as the amounts do.
    Column("co_respondents", ("共同被告", "co_respondents"), _unit_names),
)


@dataclass
class _Planned:
    row: int
    key: tuple[str, str]
    values: dict
    applicant_names: list[str]
    unit_name: str
    existing: dict | None
    #: An outcome a unit reported (结案报备), to be confirmed by the legal bureau.
    outcome_report: dict | None = None
    #: 关联案号 as the row gives it; and, once resolved, the (kind, number key) of a case the same file creates.
    related_number: str | None = None
    link_key: tuple[str, str] | None = None
    #: An existing case with a 关联案号: updated or unchanged is decided after the links are resolved.
    counted_later: bool = False
    #: The co-defendants the row names, as (unit name, role); None keeps those recorded.
    co_respondents: list[tuple[str, str]] | None = None


class CaseSheetImporter:
    def __init__(self, context: ImportContext):
        self.context = context
        self.planned: list[_Planned] = []
        self.created = self.updated = self.unchanged = 0

    def plan(self, sheet: str, rows: list[ParsedRow]) -> None:
        context = self.context
        first_row_of: dict[tuple, int] = {}
        candidates = []
        for parsed in rows:
            for column, message, params in parsed.problems:
                context.error(sheet, parsed.number, message, column, **params)
            values = parsed.values
            if parsed.problems or not values["kind"] or not values["number"]:
                continue
            # Matched on the number's key: （２０２０）… and (2020)… in one file are the same case twice.
            key = _key(values)
            if key in first_row_of:
                context.error(
                    sheet,
                    parsed.number,
                    N_("Case number %(number)s appears again (first in row %(first)s)."),
                    "案号",
                    number=values["number"],
                    first=first_row_of[key],
                )
                continue
            first_row_of[key] = parsed.number
            candidates.append(parsed)
        context.case_keys_in_file.update(first_row_of)
        context.case_units_in_file.update({_key(p.values): p.values["respondent"] for p in candidates})
        existing = self._load_existing(list(first_row_of))
        for parsed in candidates:
            self._plan_row(sheet, parsed, existing.get(_key(parsed.values)))
        self._resolve_links(sheet)

    def _resolve_links(self, sheet: str) -> None:
        """关联案号: the case a row follows, in the database (among the cases the importer may see) or in the same
        file. The relation is the only one the two cases' kinds and instances allow (rules.relation_for_target); a
        number found nowhere is the row's error."""
        in_file = {item.key: item for item in self.planned}
        for item in self.planned:
            if not item.related_number:
                continue
            values, key = item.values, rules.number_key(item.related_number)
            own_instance = values.get("instance")
            searched = [kinds.LITIGATION] if own_instance == "second" else [kinds.REVIEW, kinds.LITIGATION]
            target, file_key = None, None
            for kind in searched:
                if (kind, key) in in_file and in_file[(kind, key)].existing is None:
                    # A case this file creates: linked by its key once it has an id (apply).
                    other = in_file[(kind, key)].values
                    target, file_key = {"id": None, "kind": kind, "instance": other.get("instance")}, (kind, key)
                    break
                found = db.session.execute(
                    scoped(select(Case.id, Case.kind, Case.instance), self.context.actor).where(
                        Case.kind == kind, Case.number_key == key
                    )
                ).first()
                if found is not None:
                    target = {"id": found.id, "kind": found.kind, "instance": found.instance}
                    break
            if target is None:
                self.context.error(
                    sheet,
                    item.row,
                    N_("The linked case %(number)s does not exist."),
                    "关联案号",
                    number=item.related_number,
                )
                continue
            relation = rules.relation_for_target(own_instance, target["kind"], target["instance"])
            own = {"id": (item.existing or {}).get("id"), "kind": values["kind"], "instance": own_instance}
            chain = queries.link_chain(target["id"]) if target["id"] is not None else []
            problems = (
                rules.link_problems(own, relation, target, chain)
                if relation
                else [rules.Problem("related_case_id", N_("This case cannot follow the linked case %(number)s."))]
            )
            for problem in problems:
                self.context.error(
                    sheet, item.row, problem.message, "关联案号", number=item.related_number, **problem.as_params()
                )
            if problems:
                continue
            values["related_case_id"], values["related_relation"] = target["id"], relation
            item.link_key = file_key
        for item in [item for item in self.planned if item.counted_later]:
            if item.link_key is not None or self._differs(item):
                self.updated += 1
            else:
                self.unchanged += 1
                self.planned.remove(item)

    def _load_existing(self, keys: list[tuple[str, str]]) -> dict[tuple, dict]:
        """(kind, number key) → the case's row and applicant names."""
        table = Case.__table__
        found: dict[tuple, dict] = {}
        for kind in sorted({kind for kind, _ in keys}):
            # kind first: only then can PostgreSQL use the (kind, number_key) unique index instead of scanning.
            numbers = sorted({number for k, number in keys if k == kind})
            for start in range(0, len(numbers), _LOOKUP_CHUNK):
                chunk = numbers[start : start + _LOOKUP_CHUNK]
                stmt = select(*_COMPARED_COLUMNS).where(table.c.kind == kind, among(table.c.number_key, chunk))
                for row in db.session.execute(stmt).mappings():
                    found[(row["kind"], row["number_key"])] = dict(row)
        if found:
            # What stops the clock lives in its own tables; a case re-imported keeps its suspended days.
            for row in queries.with_deadline_records(list(found.values())):
                found[(row["kind"], row["number_key"])] = row
            ids = {row["id"]: key for key, row in found.items()}
            names: dict[int, list[str]] = {}
            id_list = list(ids)
            for start in range(0, len(id_list), _LOOKUP_CHUNK):
                stmt = (
                    select(Applicant.case_id, Applicant.name)
                    .where(among(Applicant.case_id, id_list[start : start + _LOOKUP_CHUNK]))
                    .order_by(Applicant.case_id, Applicant.position)
                )
                for case_id, name in db.session.execute(stmt):
                    names.setdefault(case_id, []).append(name)
            co: dict[int, list[tuple[str, str]]] = {}
            for start in range(0, len(id_list), _LOOKUP_CHUNK):
                stmt = (
                    select(CaseRespondent.case_id, Unit.name, CaseRespondent.role)
                    .join(Unit, Unit.id == CaseRespondent.unit_id)
                    .where(among(CaseRespondent.case_id, id_list[start : start + _LOOKUP_CHUNK]))
                    .order_by(CaseRespondent.case_id, CaseRespondent.id)
                )
                for case_id, name, role in db.session.execute(stmt):
                    co.setdefault(case_id, []).append((name, role))
            for case_id, key in ids.items():
                found[key]["applicant_names"] = names.get(case_id, [])
                found[key]["co_respondents"] = co.get(case_id, [])
        return found

    def _plan_row(self, sheet: str, parsed: ParsedRow, existing: dict | None) -> None:
        context, raw = self.context, parsed.values
        errors_before = len(context.errors)
        kind = raw["kind"]
        spec = kinds.KINDS[kind]
        outcome = None
        if raw["outcome"]:
            terms = rules.OUTCOME_TERMS_BY_KIND[kind]
            outcome = terms.get(raw["outcome"]) or (
                raw["outcome"] if raw["outcome"] in rules.OUTCOMES_BY_KIND[kind] else None
            )
            if outcome is None:
                context.error(
                    sheet,
                    parsed.number,
                    N_("The outcome %(value)s is not possible for a %(kind)s case."),
                    "结果",
                    value=raw["outcome"],
                    kind=rules.term_for(rules.KIND_TERMS, kind),
                )
                return
        unit_id, unit_ok = context.unit_for(raw["respondent"], sheet, parsed.number)
        if not unit_ok:
            return
        if existing is not None and not can(context.actor, "import_ledger", existing["respondent_unit_id"]):
            context.error(
                sheet,
                parsed.number,
                N_("You can only import your own unit's cases; this row names %(unit)s."),
                "案号",
                unit=raw["respondent"],
            )
            return
        names = rules.split_applicant_names(raw["applicant"])
        for problem in rules.applicant_problems([{"name": name} for name in names], context.today):
            context.error(sheet, parsed.number, problem.message, "申请人/原告", **problem.as_params())
        # A case already registered keeps its number as it was typed then; the file only found it.
        number = existing["number"] if existing else raw["number"]
        values = {
            "kind": kind,
            "number": number,
            "number_key": rules.number_key(number),
            "instance": (raw["instance"] or kinds.FIRST_INSTANCE) if spec.uses("instance") else raw["instance"],
            "respondent_unit_id": unit_id,
            "respondent_unit_name": raw["respondent"],
            "applicant_count": max(raw["applicant_count"] or 1, len(names)),
            "matter": raw["matter"] or (existing["matter"] if existing else "other"),
            "received_on": raw["received_on"],
            "accepted_on": raw["accepted_on"],
            "concluded_on": raw["concluded_on"],
            "outcome": outcome,
            "procedure": existing["procedure"] if existing else kinds.DEFAULT_PROCEDURE,
            # A file without the amount columns (or a blank cell) keeps what is recorded, as the matter does.
            **{
                name: raw[name] if raw[name] is not None else (existing[name] if existing else None)
                for name in _KEPT_WHEN_BLANK
            },
            # Resolved against the database and the rest of the file once every row is planned (_resolve_links).
            **{name: existing[name] if existing else None for name in ("related_case_id", "related_relation")},
        }
        if values["judgment_served_on"] and not values["ruling_kind"]:
            values["ruling_kind"] = kinds.DEFAULT_RULING_KIND
        merged = {**(existing or {}), **values}
        for problem in rules.validate_case(merged, context.today):
            column = next((c.title for c in COLUMNS if c.key == problem.field), problem.field)
            context.error(sheet, parsed.number, problem.message, column, **problem.as_params())
        co_respondents = self._co_respondents(sheet, parsed.number, kind, raw, existing)
        if len(context.errors) > errors_before:
            return
        report = None
        if not can(context.actor, "conclude_case") and _states_another_outcome(values, existing):
            # 结案报备: a unit's row with an outcome waits for the legal bureau instead of concluding the case.
            if not _already_reported(values, existing):
                report = {
                    "outcome": values["outcome"],
                    "concluded_on": values["concluded_on"],
                    "amount_granted_fen": values["amount_granted_fen"],
                }
            for name in ("outcome", "concluded_on", "amount_granted_fen", "judgment_served_on", "ruling_kind"):
                values[name] = existing[name] if existing else None
        planned = _Planned(
            parsed.number, _key(raw), values, names, raw["respondent"], existing, report, co_respondents=co_respondents
        )
        planned.related_number = raw.get("related_case")
        if report is not None and existing is not None and not self._differs(planned):
            self.updated += 1
            self.planned.append(planned)
            return
        if existing is None:
            self.created += 1
        elif planned.related_number:
            # Its link may be what changes, and is known only once every row is planned: counted then.
            planned.counted_later = True
        elif self._differs(planned):
            self.updated += 1
        else:
            self.unchanged += 1
            return
        self.planned.append(planned)

    def _co_respondents(self, sheet: str, row: int, kind: str, raw: dict, existing: dict | None):
        """The row's co-defendants as (unit name, role), or None to keep what is recorded. A unit already named
        keeps its role (set on the case page, say); a new one gets the role rules.ledger_role gives it."""
        names = raw.get("co_respondents")
        if names is None:
            return None
        context = self.context
        recorded = dict(existing["co_respondents"]) if existing else {}
        if names == list(recorded):
            return None
        if not can(context.actor, "name_co_respondents"):
            context.error(
                sheet,
                row,
                N_("Only the mediation center and the legal bureau name a case's co-defendants."),
                "共同被告",
            )
            return None
        for name in names:
            context.unit_for(name, sheet, row)
        planned = [(name, recorded.get(name) or rules.ledger_role(kind, self._unit_kinds.get(name))) for name in names]
        for problem in rules.co_respondent_problems(kind, raw["respondent"], planned):
            context.error(sheet, row, problem.message, "共同被告", **problem.as_params())
        return planned

    @property
    def _unit_kinds(self) -> dict[str, str]:
        if not hasattr(self, "_kinds_of_units"):
            self._kinds_of_units = dict(db.session.execute(select(Unit.name, Unit.kind)).all())
        return self._kinds_of_units

    @staticmethod
    def _differs(planned: _Planned) -> bool:
        existing = planned.existing
        if any(planned.values[name] != existing[name] for name in LEDGER_FIELDS):
            return True
        if planned.co_respondents is not None and planned.co_respondents != existing["co_respondents"]:
            return True
        return planned.applicant_names != existing["applicant_names"]

    def apply(self) -> None:
        context = self.context
        if not self.planned:
            return
        units = context.create_new_units()
        actor_id = context.actor.id if context.actor is not None else None
        table = Case.__table__
        creations, updates, audit_rows, applicant_rows, replaced_applicants = [], [], [], [], []
        for item in self.planned:
            values = dict(item.values)
            values.pop("respondent_unit_name")
            values["respondent_unit_id"] = units[item.unit_name]
            existing = item.existing or {}
            status = rules.derive_status(values["accepted_on"], values["concluded_on"], existing.get("declined_on"))
            if existing.get("status") == "suspended" and status == "accepted":
                status = "suspended"
            values["status"] = status
            values.update(
                rules.derived_fields({**existing, **values}, item.applicant_names, item.unit_name, context.calendar)
            )
            if item.existing is not None and not self._differs(item):
                continue  # only an outcome report to add
            if item.existing is None:
                creations.append({**values, "summary": "", "version": 1, "created_by_id": actor_id})
            else:
                updates.append({**values, "case_id": existing["id"], "new_version": existing["version"] + 1})
                for name in (*LEDGER_FIELDS, "status"):
                    if values[name] != existing[name]:
                        audit_rows.append(
                            _audit(existing["id"], "imported", name, existing[name], values[name], actor_id)
                        )
                if item.applicant_names != existing["applicant_names"]:
                    audit_rows.append(
                        _audit(
                            existing["id"],
                            "imported",
                            "applicants",
                            "、".join(existing["applicant_names"]),
                            "、".join(item.applicant_names),
                            actor_id,
                        )
                    )
                    replaced_applicants.append(existing["id"])
                    applicant_rows.extend(_applicants(existing["id"], item.applicant_names))

        case_ids = {item.key: item.existing["id"] for item in self.planned if item.existing}
        # Before the first write: the buckets the changed cases count in now (an unchanged row changes none).
        touched = [row["case_id"] for row in updates] + [
            item.existing["id"]
            for item in self.planned
            if item.existing is not None
            and item.co_respondents is not None
            and item.co_respondents != item.existing["co_respondents"]
        ]
        bulk.changing(table, touched)
        if creations:
            names_by_key = {item.key: item.applicant_names for item in self.planned}
            for case_id, key in self._insert_cases(creations):
                case_ids[key] = case_id
                audit_rows.append(_audit(case_id, "imported", None, None, None, actor_id))
                applicant_rows.extend(_applicants(case_id, names_by_key[key]))
        # A row that follows a case the same file creates gets its link once that case has an id.
        links = [
            {"case_id": case_ids[item.key], "target_id": case_ids[item.link_key]}
            for item in self.planned
            if item.link_key is not None and item.key in case_ids
        ]
        self._write_co_respondents(case_ids, units, audit_rows, actor_id)
        for item in self.planned:
            if item.outcome_report:
                report = OutcomeReport(case_id=case_ids[item.key], note="", status="pending", **item.outcome_report)
                report.reported_by_id = actor_id
                db.session.add(report)
                audit_rows.append(
                    _audit(case_ids[item.key], "outcome_reported", "outcome", None, report.outcome, actor_id)
                )
        if updates:
            unchanged = ("case_id", "new_version", "kind", "number", "number_key")
            columns = [name for name in updates[0] if name not in unchanged]
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("case_id"))
                .values(version=bindparam("new_version"), **{name: bindparam(name) for name in columns}),
                updates,
            )
        if links:
            bulk.changing(table, [link["case_id"] for link in links])
            db.session.execute(
                update(table).where(table.c.id == bindparam("case_id")).values(related_case_id=bindparam("target_id")),
                links,
            )
        if replaced_applicants:
            db.session.execute(
                delete(Applicant.__table__).where(Applicant.__table__.c.case_id.in_(replaced_applicants))
            )
        if applicant_rows:
            insert_rows(Applicant.__table__, applicant_rows)
        from casetrack.audit import services as audit

        audit.record_many(audit_rows)
        db.session.flush()
        bulk.inserted(table, [case_ids[(row["kind"], row["number_key"])] for row in creations])
        bulk.changed(table, [*touched, *(link["case_id"] for link in links)])

    def _write_co_respondents(self, case_ids: dict, units: dict[str, int], audit_rows: list, actor_id) -> None:
        changed = [
            item
            for item in self.planned
            if item.co_respondents is not None
            and item.co_respondents != (item.existing or {}).get("co_respondents", [])
        ]
        if not changed:
            return
        table = CaseRespondent.__table__
        ids = [case_ids[item.key] for item in changed]
        db.session.execute(delete(table).where(among(table.c.case_id, ids)))
        rows = [
            {"case_id": case_ids[item.key], "unit_id": units[name], "role": role}
            for item in changed
            for name, role in item.co_respondents
        ]
        if rows:
            insert_rows(table, rows)
        for item in changed:
            before = rules.respondents_text((item.existing or {}).get("co_respondents", []))
            after = rules.respondents_text(item.co_respondents)
            audit_rows.append(_audit(case_ids[item.key], "imported", "co_respondents", before or None, after, actor_id))

    def _insert_cases(self, creations: list[dict]) -> list[tuple]:
        """(id, (kind, number key)) of the cases inserted."""
        table = Case.__table__
        insert_rows(table, creations)
        wanted = {(row["kind"], row["number_key"]) for row in creations}
        ids = ids_by_number(table, table.c.kind, sorted(wanted), table.c.number_key)
        return [(case_id, key) for key, case_id in ids.items() if key in wanted]


def _key(values: dict) -> tuple[str, str]:
    """How a row is matched to a case: its kind and the key of its number (cases.rules.number_key)."""
    return values["kind"], rules.number_key(values["number"])


def _states_another_outcome(values: dict, existing: dict | None) -> bool:
    if not values.get("outcome") and not values.get("concluded_on"):
        return False
    return existing is None or (values["outcome"], values["concluded_on"]) != (
        existing["outcome"],
        existing["concluded_on"],
    )


def _already_reported(values: dict, existing: dict | None) -> bool:
    if existing is None:
        return False
    pending = db.session.scalar(
        select(OutcomeReport.id).where(
            OutcomeReport.case_id == existing["id"],
            OutcomeReport.status == "pending",
            OutcomeReport.outcome == values.get("outcome"),
            OutcomeReport.concluded_on == values.get("concluded_on"),
        )
    )
    return pending is not None


def _audit(case_id, action, field, before, after, actor_id) -> dict:
    return {
        "entity_type": "case",
        "entity_id": case_id,
        "action": action,
        "field": field,
        "before": before,
        "after": after,
        "actor_id": actor_id,
        "comment": "ledger import" if field is None else None,
    }


def _applicants(case_id: int, names: list[str]) -> list[dict]:
    return [
        {
            "case_id": case_id,
            "position": position,
            "name": name,
            "kind": rules.guess_applicant_kind(name, None),
            "id_number_sealed": None,
            "id_number_digest": None,
        }
        for position, name in enumerate(names)
    ]


def export_rows(actor, cases=None):
    """Rows of the 案件 sheet, in COLUMNS order, for the cases the actor can see (or the ones given)."""
    if cases is None:
        stmt = (
            scoped(select(Case), actor)
            .options(selectinload(Case.applicants), selectinload(Case.related_case), selectinload(Case.co_respondents))
            .order_by(Case.kind, Case.received_on, Case.id)
        )
        cases = db.session.scalars(stmt.execution_options(yield_per=2000))
    for case in cases:
        yield case_row(case)


def case_row(case: Case) -> list:
    return [
        case.number,
        rules.term_for(rules.KIND_TERMS, case.kind),
        rules.term_for(rules.INSTANCE_TERMS, case.instance) if case.spec.uses("instance") else "",
        case.respondent_unit.name,
        "、".join(a.name for a in case.applicants),
        case.applicant_count,
        rules.term_for(rules.MATTER_TERMS, case.matter),
        case.received_on,
        case.accepted_on,
        case.concluded_on,
        rules.term_for(rules.OUTCOME_TERMS_BY_KIND[case.kind], case.outcome) if case.outcome else "",
        case.amount_claimed,
        case.amount_granted,
        case.related_case.number if case.related_case_id and case.related_case else "",
        case.judgment_served_on,
        rules.term_for(kinds.RULING_KIND_TERMS, case.ruling_kind) if case.ruling_kind else "",
        "、".join(r.unit.name for r in case.co_respondents),
    ]


CASE_SHEET = SheetSpec("cases", ("案件", "cases"), COLUMNS, CaseSheetImporter, export_rows)


# --- the 中止 sheet: suspensions matched on (案号, 中止日期) ----------------------------------------------------

SUSPENSION_COLUMNS = (
    Column("case_number", ("案号", "case_number"), text_parser(rules.MAX_NUMBER), required=True),
    Column("suspended_on", ("中止日期", "suspended_on"), parse_date, required=True),
    Column("resumed_on", ("恢复日期", "resumed_on"), parse_date),
    Column("reason", ("中止原因", "reason"), text_parser(rules.MAX_REASON_TEXT), required=True),
)


def _reason_of(kind: str, cell: str) -> tuple[str, str]:
    """(reason code, words) of a 中止原因 cell: a term of the statutory list (kinds.SUSPENSION_REASON_TERMS), else
    the kind's "other" ground with the cell's words, so a ledger's own wording is kept rather than refused."""
    code = kinds.SUSPENSION_REASON_TERMS.get(cell)
    if code is not None and code != kinds.OTHER_REASON and code in kinds.KINDS[kind].suspension_reasons:
        return code, ""
    return kinds.OTHER_REASON, "" if code == kinds.OTHER_REASON else cell


def _reason_cell(code: str, text: str) -> str:
    if code == kinds.OTHER_REASON:
        return text or rules.term_for(kinds.SUSPENSION_REASON_TERMS, code)
    return rules.term_for(kinds.SUSPENSION_REASON_TERMS, code)


class SuspensionSheetImporter:
    """Suspensions of cases already registered or brought by the same file; a suspension without 恢复日期 leaves
    the case suspended (已中止), and every affected case's next deadline is recomputed with its suspended days."""

    def __init__(self, context: ImportContext):
        self.context = context
        self.creations: list[dict] = []
        self.updates: list[dict] = []
        self.created = self.updated = self.unchanged = 0

    def plan(self, sheet: str, rows: list[ParsedRow]) -> None:
        context = self.context
        numbers = {row.values["case_number"] for row in rows if row.values["case_number"]}
        visible = cases_by_number(numbers, context.actor)
        cases = self._cases([c["id"] for found in visible.values() for c in found])
        existing = self._existing(list(cases))
        pauses = {case_id: {row["suspended_on"]: row for row in found} for case_id, found in existing.items()}
        first_row_of: dict[tuple, int] = {}
        planned = []
        for parsed in rows:
            for column, message, params in parsed.problems:
                context.error(sheet, parsed.number, message, column, **params)
            if parsed.problems:
                continue
            values = parsed.values
            case = self._case_of(sheet, parsed, visible, cases)
            if case is None:
                continue
            seen = (case["id"], values["suspended_on"])
            if seen in first_row_of:
                context.error(
                    sheet,
                    parsed.number,
                    N_("This suspension appears again (first in row %(first)s)."),
                    "中止日期",
                    first=first_row_of[seen],
                )
                continue
            first_row_of[seen] = parsed.number
            code, text = _reason_of(case["kind"], values["reason"])
            problems = rules.suspension_problems(
                case["kind"],
                code,
                text,
                values["suspended_on"],
                values["resumed_on"],
                case["accepted_on"],
                context.today,
            )
            if case["accepted_on"] is None and "status" in case:
                problems.append(
                    rules.Problem("suspended_on", N_("A case can be suspended only after it was accepted."))
                )
            if values["resumed_on"] is None and not case["is_open"]:
                problems.append(rules.Problem("resumed_on", N_("A concluded case cannot still be suspended.")))
            for problem in problems:
                column = {"resumed_on": "恢复日期", "reason_code": "中止原因", "reason": "中止原因"}.get(
                    problem.field, "中止日期"
                )
                context.error(sheet, parsed.number, problem.message, column, **problem.as_params())
            if problems:
                continue
            record = {"resumed_on": values["resumed_on"], "reason_code": code, "reason_text": text}
            pauses.setdefault(case["id"], {})[values["suspended_on"]] = {**record, "row": parsed.number}
            planned.append((parsed, case, record))
        for case_id, by_day in pauses.items():
            if rules.suspensions_overlap([rules.Pause(day, row["resumed_on"]) for day, row in by_day.items()]):
                row = max((r.get("row", 0) for r in by_day.values()), default=0)
                number = cases[case_id]["number"] if case_id in cases else case_id[2]
                context.error(sheet, row, N_("The suspensions of case %(number)s overlap."), "中止日期", number=number)
        if context.errors:
            return
        for parsed, case, record in planned:
            current = next(
                (row for row in existing.get(case["id"], []) if row["suspended_on"] == parsed.values["suspended_on"]),
                None,
            )
            if current is None:
                self.created += 1
                self.creations.append({**record, "case_id": case["id"], "suspended_on": parsed.values["suspended_on"]})
            elif self._differs(current, record):
                self.updated += 1
                self.updates.append(
                    {**record, "suspension_id": current["id"], "_case_id": case["id"], "_before": current}
                )
            else:
                self.unchanged += 1

    @staticmethod
    def _differs(current: dict, record: dict) -> bool:
        # A statutory ground keeps the words the office added to it in the app: the sheet carries the ground only.
        if current["resumed_on"] != record["resumed_on"] or current["reason_code"] != record["reason_code"]:
            return True
        return record["reason_code"] == kinds.OTHER_REASON and current["reason_text"] != record["reason_text"]

    def _case_of(self, sheet: str, parsed: ParsedRow, visible: dict, cases: dict) -> dict | None:
        """The case a row suspends: a registered one the importer may change, or one this file's 案件 sheet brings
        (an export read back into an empty database), known by its kind and number key until it is written."""
        context, number = self.context, parsed.values["case_number"]
        key = rules.number_key(number)
        found = [cases[c["id"]] for c in visible.get(key, []) if kinds.can_be_suspended(c["kind"])]
        if not found:
            found = [
                {"id": ("new", kind, key), "number": number, "kind": kind, "accepted_on": None, "is_open": True}
                for kind in kinds.KINDS
                if kinds.can_be_suspended(kind) and (kind, key) in context.case_keys_in_file
            ]
        if not found:
            context.error(
                sheet, parsed.number, N_("There is no case with the number %(number)s."), "案号", number=number
            )
            return None
        if len(found) > 1:
            context.error(
                sheet,
                parsed.number,
                N_("Both a review and a lawsuit have the number %(number)s; the suspension cannot tell which."),
                "案号",
                number=number,
            )
            return None
        case = found[0]
        if "respondent_unit_id" in case and not can(context.actor, "move_case", case["respondent_unit_id"]):
            context.error(
                sheet,
                parsed.number,
                N_("You can only import your own unit's cases; this row names %(unit)s."),
                "案号",
                unit=case["number"],
            )
            return None
        return case

    @staticmethod
    def _cases(ids: list[int]) -> dict[int, dict]:
        table = Case.__table__
        columns = (
            table.c.id,
            table.c.number,
            table.c.kind,
            table.c.status,
            table.c.accepted_on,
            table.c.respondent_unit_id,
        )
        found = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            for row in db.session.execute(
                select(*columns).where(among(table.c.id, ids[start : start + _LOOKUP_CHUNK]))
            ).mappings():
                found[row["id"]] = {**row, "is_open": row["status"] in rules.OPEN_STATUSES}
        return found

    @staticmethod
    def _existing(case_ids: list[int]) -> dict[int, list[dict]]:
        table = CaseSuspension.__table__
        found: dict[int, list[dict]] = {}
        for start in range(0, len(case_ids), _LOOKUP_CHUNK):
            stmt = select(table).where(among(table.c.case_id, case_ids[start : start + _LOOKUP_CHUNK]))
            for row in db.session.execute(stmt).mappings():
                found.setdefault(row["case_id"], []).append(dict(row))
        return found

    def apply(self) -> None:
        from casetrack.cases.services import refresh_derived

        actor_id = self.context.actor.id if self.context.actor is not None else None
        table = CaseSuspension.__table__
        unresolved = sorted({row["case_id"] for row in self.creations if isinstance(row["case_id"], tuple)})
        if unresolved:
            # Cases created by this same file's 案件 sheet: they exist now.
            cases = Case.__table__
            ids = {
                (kind, key): case_id
                for kind in {kind for _, kind, _ in unresolved}
                for case_id, key in db.session.execute(
                    select(cases.c.id, cases.c.number_key).where(
                        cases.c.kind == kind, among(cases.c.number_key, [k for _, n, k in unresolved if n == kind])
                    )
                )
            }
            for row in self.creations:
                if isinstance(row["case_id"], tuple):
                    row["case_id"] = ids[row["case_id"][1:]]
        if self.creations:
            insert_rows(table, [{**row, "created_by_id": actor_id} for row in self.creations])
        if self.updates:
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("suspension_id"))
                .values(**{name: bindparam(name) for name in ("resumed_on", "reason_code", "reason_text")}),
                [{k: v for k, v in row.items() if not k.startswith("_")} for row in self.updates],
            )
        audit.record_many(
            [
                _audit(row["case_id"], "suspension_imported", field, None, value, actor_id)
                for row in self.creations
                for field, value in (
                    ("suspended_on", row["suspended_on"]),
                    ("resumed_on", row["resumed_on"]),
                    ("suspension_reason", row["reason_code"]),
                )
                if value is not None
            ]
            + [
                _audit(row["_case_id"], "suspension_imported", field, row["_before"][name], row[name], actor_id)
                for row in self.updates
                for field, name in (("resumed_on", "resumed_on"), ("suspension_reason", "reason_code"))
                if row["_before"][name] != row[name]
            ]
        )
        touched = sorted({row["case_id"] for row in self.creations} | {row["_case_id"] for row in self.updates})
        if not touched:
            return
        # Few cases per file: through the ORM, so the status, the next deadline and the version move together.
        stmt = (
            select(Case)
            .where(among(Case.id, touched))
            .options(selectinload(Case.suspensions), selectinload(Case.applicants))
            .execution_options(populate_existing=True)
        )
        for case in db.session.scalars(stmt):
            before = case.status
            case.status = rules.status_after_suspensions(case.status, [s.resumed_on is None for s in case.suspensions])
            refresh_derived(case)
            if case.status != before:
                audit.record(
                    "case", case.id, "suspension_imported", self.context.actor, [("status", before, case.status)]
                )
        db.session.flush()


def suspension_export_rows(actor):
    stmt = scoped(select(CaseSuspension, Case.number).join(Case, Case.id == CaseSuspension.case_id), actor).order_by(
        Case.number, CaseSuspension.suspended_on
    )
    for suspension, number in db.session.execute(stmt.execution_options(yield_per=2000)):
        yield [
            number,
            suspension.suspended_on,
            suspension.resumed_on,
            _reason_cell(suspension.reason_code, suspension.reason_text),
        ]


SUSPENSION_SHEET = SheetSpec(
    "suspensions",
    ("中止", "suspensions"),
    SUSPENSION_COLUMNS,
    SuspensionSheetImporter,
    suspension_export_rows,
    after=("cases",),
)
