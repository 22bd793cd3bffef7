"""Verbs on cases. Each takes the acting user, checks permission and rules, writes the audit trail and
flushes; the view, task or CLI command around it commits."""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import flag_modified

from casetrack import ciphers, identifiers
from casetrack.accounts.models import Unit, User
from casetrack.accounts.permissions import can, home_unit_id, is_system
from casetrack.accounts.rules import mask_id_number
from casetrack.audit import services as audit
from casetrack.cases import kinds, queries, rules
from casetrack.cases.models import (
    Applicant,
    Case,
    CaseCorrection,
    CaseRespondent,
    CaseSuspension,
    CourtDate,
    OutcomeReport,
)
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.params import parse_id
from casetrack.unit_of_work import check_version, flush_or_conflict
from casetrack.workdays.rules import WorkCalendar
from casetrack.workdays.services import current_calendar

log = logging.getLogger(__name__)

#: Fields a person edits directly. Status-bearing fields move only through transitions.
EDITABLE_FIELDS = (
    "handler_id",
    "number",
    "instance",
    "procedure",
    "respondent_unit_id",
    "applicant_count",
    "matter",
    "summary",
    "received_on",
    "copy_sent_on",
    "answer_received_on",
    "served_on",
    "defence_filed_on",
    "extension_days",
    "extension_approved_by",
    "extension_approved_on",
    "extension_reason",
    "amount_claimed_fen",
    "amount_granted_fen",
    "judgment_served_on",
    "ruling_kind",
    "related_case_id",
    "related_relation",
)
#: The respondent unit's appeal decision, recorded by record_appeal_decision only (its own capability).
APPEAL_FIELDS = ("appeal_decision", "appeal_decided_on", "appeal_approved_by")
#: Set by a transition; afterwards they may be corrected but not cleared by an edit.
STATUS_FIELDS = ("accepted_on", "declined_on", "concluded_on", "outcome")


class CaseInvalid(DomainError):
    """Several problems at once, each tied to a field, so a form can show them where they belong."""

    def __init__(self, problems: list[rules.Problem]):
        super().__init__(problems[0].message, **problems[0].as_params())
        self.problems = problems


def check_can_write(actor, unit_id: int | None, capability: str = "edit_case") -> None:
    if not can(actor, capability):
        raise PermissionDenied(N_("Your role may read cases but not change them."))
    if not can(actor, capability, unit_id) or (unit_id is None and home_unit_id(actor) is not None):
        raise PermissionDenied(N_("You can only register and change your own unit's cases."))


def _check_handler(handler_id) -> None:
    """A handler (承办人) is mailed the case's deadlines: only an active member of the staff who handle cases."""
    if handler_id in (None, "", 0):
        return
    handler_key = parse_id(handler_id)
    handler = db.session.get(User, handler_key) if handler_key else None
    if handler is None or not can(handler, "handle_cases"):
        raise CaseInvalid([rules.Problem("handler_id", N_("The handler must be an active member of the staff."))])


#: Called with (case, actor, today) after a case's outcome may have changed. The app factory adds the domains that
#: follow an outcome (rectification items), so this package imports none of them.
OUTCOME_FOLLOWERS: list = []


def _follow_outcome(case: Case, actor, today: date) -> None:
    for follower in OUTCOME_FOLLOWERS:
        follower(case, actor, today)


def _rescore(case: Case, today: date) -> None:
    # A change to matter, applicants or status changes the risk score; the nightly job catches the rest.
    from casetrack.risk.services import rescore

    rescore(today, [case.id])


def refresh_derived(case: Case, calendar: WorkCalendar | None = None) -> None:
    """Recompute what the list filters on: the next open deadline and the search text."""
    # Reading the calendar and the unit must not flush the pending change: a flush that meets a newer version
    # belongs in flush_or_conflict, where it becomes the "someone else saved this case" message, not a 500.
    with db.session.no_autoflush:
        calendar = calendar or current_calendar()
        unit = case.respondent_unit or db.session.get(Unit, case.respondent_unit_id)
        applicant_names = [a.name for a in case.applicants]
        values = {**case.dates(), "number": case.number, "summary": case.summary}
    derived = rules.derived_fields(values, applicant_names, unit.name if unit else "", calendar)
    for name, value in derived.items():
        setattr(case, name, value)


def _id_numbers(case: Case) -> list[tuple[str, str | None]]:
    return [(a.name, a.id_number) for a in case.applicants]


def _masked(id_numbers: list[tuple[str, str | None]]) -> str:
    return "、".join(f"{name} {mask_id_number(number)}".strip() for name, number in id_numbers if number)


def _snapshot(case: Case) -> dict:
    # A field the case's kind does not have (a claim's procedure, a review's instance) is no part of its history.
    names = (*EDITABLE_FIELDS, *APPEAL_FIELDS, *STATUS_FIELDS, "status", "kind")
    values = {name: getattr(case, name) for name in names if kinds.KINDS[case.kind].uses(name)}
    values["applicants"] = "、".join(a.name for a in case.applicants)
    values["co_respondents"] = rules.respondents_text([(r.unit.name, r.role) for r in case.co_respondents])
    return values


def _trail(values: dict) -> dict:
    """A snapshot as the audit trail keeps it: the linked case by its number, which a reader knows it by."""
    related = values.get("related_case_id")
    if not related:
        return values
    with db.session.no_autoflush:
        number = db.session.scalar(select(Case.number).where(Case.id == related))
    return {**values, "related_case_id": number or related}


def _validate(values: dict, today: date, case_id: int | None = None) -> None:
    problems = rules.validate_case(values, today)
    if values.get("kind") in rules.KINDS and (values.get("number") or "").strip():
        if queries.case_numbers_exist(values["kind"], values["number"].strip(), case_id):
            problems.append(rules.Problem("number", N_("A case of this type with this number already exists.")))
    if values.get("respondent_unit_id") and db.session.get(Unit, values["respondent_unit_id"]) is None:
        problems.append(rules.Problem("respondent_unit_id", N_("No such unit.")))
    if not problems and values.get("related_case_id") and values.get("related_relation") in kinds.RELATIONS:
        target = db.session.get(Case, values["related_case_id"])
        own = {"id": case_id, "kind": values.get("kind"), "instance": values.get("instance")}
        problems += rules.link_problems(
            own,
            values["related_relation"],
            None if target is None else {"id": target.id, "kind": target.kind, "instance": target.instance},
            queries.link_chain(target.id) if target is not None else [],
        )
    if problems:
        raise CaseInvalid(problems)


def resolve_related_number(values: dict, actor) -> None:
    """A form or a ledger names the linked case by its 案号: find it among the cases the actor may see, of the kind
    the relation links to (a number is unique per kind only). An unknown number is a problem of the field, not a
    silent blank."""
    if "related_number" not in values:
        return
    number = (values.pop("related_number") or "").strip()
    if not number:
        values["related_case_id"] = None
        if not values.get("related_relation"):
            values["related_relation"] = None
        return
    relation = values.get("related_relation")
    rule = kinds.RELATION_RULES.get(relation or "")
    kinds_to_search = [rule.target[0]] if rule else list(kinds.KINDS)
    found = queries.visible_case_by_number(actor, kinds_to_search, number)
    if found is None:
        raise CaseInvalid([rules.Problem("related_case_id", N_("No case with this number exists."))])
    values["related_case_id"] = found.id
    if not relation:
        values["related_relation"] = rules.relation_for_target(values.get("instance"), found.kind, found.instance)


def _normalised(entries) -> list[tuple[int, str]]:
    """Co-defendants as (unit id, role) pairs, from dicts or pairs; an id that can be no record's (parse_id) is None,
    refused as no such unit rather than sent to the database."""
    pairs = []
    for entry in entries:
        unit_id, role = (entry["unit_id"], entry.get("role")) if isinstance(entry, dict) else entry
        pairs.append((parse_id(unit_id), role))
    return pairs


def _entries(case: Case) -> list[tuple[int, str]]:
    return [(r.unit_id, r.role) for r in case.co_respondents]


def _check_can_name_co_respondents(actor) -> None:
    if not can(actor, "name_co_respondents"):
        raise PermissionDenied(N_("Only the mediation center and the legal bureau name a case's co-defendants."))


def _check_co_respondents(kind: str | None, main_unit_id: int | None, entries) -> None:
    pairs = _normalised(entries)
    problems = rules.co_respondent_problems(kind, main_unit_id, pairs)
    if any(unit_id is None or db.session.get(Unit, unit_id) is None for unit_id, _ in pairs):
        problems.append(rules.Problem("co_respondents", N_("No such unit.")))
    if problems:
        raise CaseInvalid(problems)


def _set_co_respondents(case: Case, entries) -> None:
    """Make the case's co-defendants exactly ``entries`` (checked by _check_co_respondents), keeping the rows of
    units that stay so their ids and order do not change."""
    wanted = dict(_normalised(entries))
    if case.id is not None and wanted != dict(_entries(case)):
        # The co-defendants are rows of their own: without this the case's version would not move, and a page
        # opened before the change could still be saved over it (optimistic locking, unit_of_work).
        flag_modified(case, "search_text")
    for respondent in list(case.co_respondents):
        if respondent.unit_id not in wanted:
            case.co_respondents.remove(respondent)
        else:
            respondent.role = wanted.pop(respondent.unit_id)
    for unit_id, role in wanted.items():
        case.co_respondents.append(CaseRespondent(unit_id=unit_id, unit=db.session.get(Unit, unit_id), role=role))


def add_co_respondent(case: Case, actor, today: date, *, unit_id, role: str, expected_version=None) -> Case:
    """Name one more co-defendant (the case page's form): an edit of the case's co-defendants, audited as one."""
    entries = [*_entries(case), (unit_id, role)]
    return update_case(case, {"co_respondents": entries}, actor, today, expected_version)


def remove_co_respondent(case: Case, actor, today: date, *, unit_id: int, expected_version=None) -> Case:
    if unit_id not in {r.unit_id for r in case.co_respondents}:
        raise DomainError(N_("That unit is not a co-defendant of this case."))
    entries = [(u, role) for u, role in _entries(case) if u != unit_id]
    return update_case(case, {"co_respondents": entries}, actor, today, expected_version)


def proposed_codefendants(
    kind: str | None,
    respondent_unit_id: int | None,
    applicant_names: list[str],
    named_unit_ids=(),
    linked_review: Case | None = None,
) -> list[rules.ProposedRespondent]:
    """rules.proposed_codefendants asked with the district government and the upheld reviews found by the parties
    (or the review the lawsuit names, once linking exists)."""
    spec = kinds.kind_of(kind)
    if spec is None or not spec.follows_review or not respondent_unit_id:
        return []
    review_body = queries.review_body_unit_id()
    if linked_review is not None:
        reviews = [_prior(linked_review, linked=True)]
    else:
        reviews = [_prior(review) for review in queries.upheld_reviews(respondent_unit_id, applicant_names)]
    return rules.proposed_codefendants(
        kind, respondent_unit_id, applicant_names, reviews, review_body, named_unit_ids=named_unit_ids
    )


def _prior(review: Case, linked: bool = False) -> rules.PriorReview:
    return rules.PriorReview(
        number=review.number,
        respondent_unit_id=review.respondent_unit_id,
        applicant_names=frozenset(a.name for a in review.applicants),
        outcome=review.outcome,
        kind=review.kind,
        linked=linked,
    )


def _set_applicants(case: Case, applicants: list[dict], today: date) -> None:
    applicants = [
        {**a, "id_number": identifiers.normalized(a["id_number"]) if a.get("id_number") else None} for a in applicants
    ]
    # An identifier the case already holds is not judged again: a record from before the check, edited by someone
    # who sees it masked, must not be refused for a value they cannot see.
    stored = {a.id_number for a in case.applicants}
    new = [a if a["id_number"] not in stored else {**a, "id_number": None} for a in applicants]
    if problems := rules.applicant_problems(new, today):
        raise CaseInvalid(problems)
    current = [(a.name, a.id_number, a.kind) for a in case.applicants]
    wanted = [
        (a["name"], a.get("id_number"), a.get("kind") or rules.guess_applicant_kind(a["name"], a.get("id_number")))
        for a in applicants
    ]
    if current == wanted:
        return
    case.applicants.clear()
    for position, (name, id_number, kind) in enumerate(wanted):
        case.applicants.append(Applicant(position=position, name=name, id_number=id_number, kind=kind))


def register_case(data: dict, actor, today: date) -> Case:
    """Register a case. The status follows from the dates given, so a case entered late arrives as it stands."""
    check_can_write(actor, data.get("respondent_unit_id"), "register_case")
    _check_handler(data.get("handler_id"))
    if data.get("concluded_on") or data.get("outcome"):
        check_can_write(actor, data.get("respondent_unit_id"), "conclude_case")
    values = {**data, "number": (data.get("number") or "").strip()}
    spec = kinds.kind_of(values.get("kind"))
    if spec is not None and spec.uses("instance"):
        values["instance"] = values.get("instance") or kinds.FIRST_INSTANCE
    else:
        values["instance"] = None
    applicants = values.pop("applicants", [])
    co_respondents = values.pop("co_respondents", None) or []
    if not applicants:
        raise CaseInvalid([rules.Problem("applicants", N_("Name at least one applicant."))])
    values["applicant_count"] = max(values.get("applicant_count") or 1, len(applicants))
    resolve_related_number(values, actor)
    _validate(values, today)
    if co_respondents:
        _check_can_name_co_respondents(actor)
        _check_co_respondents(values.get("kind"), values.get("respondent_unit_id"), co_respondents)
    values["status"] = rules.derive_status(
        values.get("accepted_on"), values.get("concluded_on"), values.get("declined_on")
    )
    if not values.get("handler_id") and not is_system(actor) and can(actor, "handle_cases"):
        values["handler_id"] = actor.id
    case = Case(**{k: v for k, v in values.items() if hasattr(Case, k)}, created_by_id=actor.id if actor else None)
    _set_applicants(case, applicants, today)
    _set_co_respondents(case, co_respondents)
    db.session.add(case)
    db.session.flush()
    refresh_derived(case)
    db.session.flush()
    audit.record(
        "case",
        case.id,
        "created",
        actor,
        [(k, None, v) for k, v in _trail(_snapshot(case)).items() if v not in (None, "")],
    )
    _rescore(case, today)
    return case


_CONFLICT = N_(
    "Someone else saved this case after you opened it. Your changes were not saved: "
    "reload the case to see theirs, then make your change again."
)


def check_case_version(case: Case, expected_version) -> None:
    """Refuse work done from a page older than the case (for verbs of other packages that change it)."""
    check_version(case, expected_version, _CONFLICT)


def update_case(case: Case, data: dict, actor, today: date, expected_version: int | str | None) -> Case:
    check_can_write(actor, case.respondent_unit_id)
    check_version(case, expected_version, _CONFLICT)
    if "respondent_unit_id" in data:
        check_can_write(actor, data["respondent_unit_id"])
    if "handler_id" in data and data["handler_id"] != case.handler_id:
        _check_handler(data["handler_id"])
    if any(name in data and data[name] != getattr(case, name) for name in ("concluded_on", "outcome")):
        check_can_write(actor, case.respondent_unit_id, "conclude_case")
    before = _snapshot(case)
    id_numbers_before = _id_numbers(case)
    data = {"instance": case.instance, **data}
    resolve_related_number(data, actor)
    updates = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for name in STATUS_FIELDS:
        if name in data and getattr(case, name) is not None:
            if data[name] in (None, ""):
                raise DomainError(N_("To undo a recorded result, reopen the case instead of clearing the field."))
            updates[name] = data[name]
    if not case.spec.uses("instance"):
        updates["instance"] = None
    merged = {**before, **updates}
    _validate(merged, today, case.id)
    co_respondents = data.get("co_respondents")
    if co_respondents is not None and _entries(case) != _normalised(co_respondents):
        _check_can_name_co_respondents(actor)
    main_unit_id = merged.get("respondent_unit_id")
    _check_co_respondents(case.kind, main_unit_id, _entries(case) if co_respondents is None else co_respondents)
    for name, value in updates.items():
        setattr(case, name, value)
    if "applicants" in data:
        if not data["applicants"]:
            raise CaseInvalid([rules.Problem("applicants", N_("Name at least one applicant."))])
        _set_applicants(case, data["applicants"], today)
        case.applicant_count = max(case.applicant_count, len(case.applicants))
    if co_respondents is not None:
        _set_co_respondents(case, co_respondents)
    refresh_derived(case)
    changes = audit.diff(_trail(before), _trail(_snapshot(case)))
    if _id_numbers(case) != id_numbers_before:
        # The trail says that an ID number changed, and whose; the numbers themselves stay masked in it.
        changes.append(("applicant_id_numbers", _masked(id_numbers_before), _masked(_id_numbers(case))))
    if changes:
        audit.record("case", case.id, "updated", actor, changes)
    flush_or_conflict(_CONFLICT)
    if any(name == "outcome" for name, _, _ in changes):
        _follow_outcome(case, actor, today)
    _rescore(case, today)
    return case


def transition(
    case: Case,
    action: str,
    actor,
    today: date,
    expected_version: int | str | None = None,
    *,
    on: date | None = None,
    outcome: str | None = None,
    amount_granted_fen: int | None = None,
    reason: str = "",
    reason_code: str | None = None,
    items: str = "",
    notice_received_on: date | None = None,
) -> Case:
    """Move a case through the status machine (cases.rules.TRANSITIONS). Concluding a compensation claim may
    record the amount granted with the outcome; suspending names the statutory ground (``reason_code``); a
    correction request lists its ``items`` and may give the day the applicant received the notice."""
    check_can_write(actor, case.respondent_unit_id)
    check_version(case, expected_version, _CONFLICT)
    target = rules.next_status(case.status, action) if rules.action_applies(action, case.kind) else None
    if target is not None and not can(actor, rules.ACTION_CAPABILITIES[action], case.respondent_unit_id):
        raise PermissionDenied(N_("Your role cannot do that."))
    if target is None:
        raise DomainError(
            N_("A case that is %(status)s cannot be changed that way."), status=rules.STATUSES.get(case.status)
        )
    if action in rules.ACTIONS_NEEDING_REASON and not reason.strip():
        raise DomainError(N_("Give a reason; it is kept in the case history."))
    if action in rules.ACTIONS_NEEDING_DATE and on is None:
        raise DomainError(N_("Give the date."))
    before = _snapshot(case)
    changes: dict = {}
    if action == "accept":
        changes["accepted_on"] = on
    elif action == "decline":
        changes["declined_on"] = on
    elif action == "conclude":
        changes.update(concluded_on=on, outcome=outcome)
        if case.spec.uses("amount_granted_fen"):
            changes["amount_granted_fen"] = amount_granted_fen
    elif action == "reopen":
        changes.update(concluded_on=None, outcome=None, declined_on=None)
        if case.spec.uses("amount_granted_fen"):
            changes["amount_granted_fen"] = None
        if case.spec.uses("judgment_served_on"):
            # A reopened case has no judgment standing: nothing was served and there is nothing to appeal.
            changes.update(judgment_served_on=None, **dict.fromkeys(APPEAL_FIELDS))
    _validate({**before, **changes}, today, case.id)
    stops = _stop_or_start_clock(case, action, actor, today, on, reason, reason_code, items, notice_received_on)
    for name, value in changes.items():
        setattr(case, name, value)
    case.status = target
    refresh_derived(case)
    changes = audit.diff(_trail(before), _trail(_snapshot(case))) + stops
    audit.record("case", case.id, action, actor, changes, comment=reason.strip() or None)
    flush_or_conflict(_CONFLICT)
    if action in ("conclude", "reopen"):
        _follow_outcome(case, actor, today)
    _rescore(case, today)
    return case


def _raise_problems(problems: list[rules.Problem]) -> None:
    if problems:
        raise CaseInvalid(problems)


def _stop_or_start_clock(case: Case, action, actor, today, on, reason, reason_code, items, notice_received_on):
    """The 中止 and 补正 records a transition writes; returns their audit changes."""
    actor_id = getattr(actor, "id", None)
    if action == "suspend":
        _raise_problems(rules.suspension_problems(case.kind, reason_code, reason, on, None, case.accepted_on, today))
        pauses = [rules.Pause(s.suspended_on, s.resumed_on) for s in case.suspensions]
        if rules.suspensions_overlap([*pauses, rules.Pause(on)]):
            raise CaseInvalid([rules.Problem("on", N_("This suspension overlaps an earlier one of the case."))])
        case.suspensions.append(
            CaseSuspension(
                suspended_on=on, reason_code=reason_code, reason_text=(reason or "").strip(), created_by_id=actor_id
            )
        )
        return [("suspended_on", None, on), ("suspension_reason", None, reason_code)]
    if action == "resume":
        running = case.open_suspension
        if running is None:
            return []
        _raise_problems(
            rules.suspension_problems(
                case.kind, running.reason_code, running.reason_text, running.suspended_on, on, None, today
            )
        )
        running.resumed_on = on
        return [("resumed_on", None, on)]
    if action == "request_correction":
        if case.correction is not None:
            # Art. 31: the notice lists every item at once; there is no second one.
            raise DomainError(N_("This application already had its correction notice; the law allows one."))
        _raise_problems(rules.correction_problems(case.received_on, on, notice_received_on, items, today))
        case.correction = CaseCorrection(
            notice_on=on, notice_received_on=notice_received_on, items=items.strip(), created_by_id=actor_id
        )
        return [
            ("correction_notice_on", None, on),
            ("correction_notice_received_on", None, notice_received_on),
            ("correction_items", None, items.strip()),
        ]
    if action in ("correction_received", "correction_abandoned"):
        correction = case.correction
        _raise_problems(rules.day_problems_of(on, today, "on"))
        _raise_problems(rules.correction_result_problems(action, correction.as_rule_values(), on, current_calendar()))
        result = "received" if action == "correction_received" else "abandoned"
        correction.result, correction.result_on = result, on
        return [("correction_result", None, result), ("correction_result_on", None, on)]
    if action == "reopen" and case.status == "abandoned":
        before = (case.correction.result, case.correction.result_on)
        case.correction.result = case.correction.result_on = None
        return [("correction_result", before[0], None), ("correction_result_on", before[1], None)]
    return []


def extend_correction(case: Case, actor, today: date, expected_version, *, extended_to: date | None, reason: str):
    """A longer period to correct, granted for a good reason (Art. 31); the applicant's deadline moves to it."""
    check_can_write(actor, case.respondent_unit_id)
    if not can(actor, "examine_application", case.respondent_unit_id):
        raise PermissionDenied(N_("Your role cannot do that."))
    check_version(case, expected_version, _CONFLICT)
    correction = case.correction
    if case.status != "correcting" or correction is None:
        raise DomainError(N_("Only a case awaiting correction can have its period extended."))
    current = rules.correction_due(correction.as_rule_values(), current_calendar())
    _raise_problems(rules.correction_extension_problems(current, extended_to, reason))
    _raise_problems(rules.day_problems_of(extended_to, today, "extended_to", planned=True))
    changes = [("correction_extended_to", correction.extended_to or current, extended_to)]
    correction.extended_to, correction.extension_reason = extended_to, reason.strip()
    refresh_derived(case)
    audit.record("case", case.id, "correction_extended", actor, changes, comment=reason.strip())
    flush_or_conflict(_CONFLICT)
    return case


def _open_case_batches(columns: list, batch_size: int, *conditions):
    """Open cases as plain rows in id batches: memory stays flat at a million cases, and writing a batch between
    two reads does not move the next read, which is keyed on the id."""
    table = Case.__table__
    last_id = 0
    while True:
        rows = (
            db.session.execute(
                select(*columns)
                .where(table.c.status.in_(rules.OPEN_STATUSES), table.c.id > last_id, *conditions)
                .order_by(table.c.id)
                .limit(batch_size)
            )
            .mappings()
            .all()
        )
        if not rows:
            return
        last_id = rows[-1]["id"]
        yield rows


def refresh_open_case_deadlines(batch_size: int = 5000) -> int:
    """Recompute the next deadline of every open case (after a calendar change, and nightly); returns how many
    changed. Writes with a core UPDATE, so a person editing a case meanwhile does not get a version conflict from
    the job."""
    calendar = current_calendar()
    table = Case.__table__
    columns = [
        table.c.id,
        table.c.next_deadline_on,
        table.c.next_deadline_code,
        *(table.c[name] for name in rules.DATE_RULE_FIELDS),
    ]
    changed = 0
    for rows in _open_case_batches(columns, batch_size):
        updates = []
        for row in queries.with_deadline_records(rows):
            paused = rules.is_paused(row)
            deadline = None if paused else rules.next_open_deadline(rules.compute_deadlines(row, calendar))
            due, code = (deadline.due_on, deadline.code) if deadline else (None, None)
            if (row["next_deadline_on"], row["next_deadline_code"]) != (due, code):
                updates.append({"case_id": row["id"], "due": due, "code": code})
        if updates:
            db.session.execute(
                update(table)
                .where(table.c.id == bindparam("case_id"))
                .values(next_deadline_on=bindparam("due"), next_deadline_code=bindparam("code")),
                updates,
            )
        changed += len(updates)
    return changed


@dataclass(frozen=True)
class DeadlineMove:
    """An open case whose next deadline a change of the calendar moves, or turns from an estimate (shown with a
    ``*``) into an exact date or back."""

    case_id: int
    number: str
    before: date | None
    before_estimated: bool
    after: date | None
    after_estimated: bool


def deadline_moves(
    before: WorkCalendar, after: WorkCalendar, since: date, limit: int = 50, batch_size: int = 5000
) -> tuple[int, list[DeadlineMove]]:
    """What changing the calendar from ``before`` to ``after`` does to open cases' next deadlines: how many move,
    and the ``limit`` soonest. The calendars differ on ``since`` and later only, so only cases whose next deadline
    is on or after it are read: a period ending earlier never reaches a changed day, and a later one cannot move
    before it. ``before`` is the case's stored next deadline, what refresh_open_case_deadlines compares with."""
    table = Case.__table__
    columns = [table.c.id, table.c.number, table.c.next_deadline_on, *(table.c[n] for n in rules.DATE_RULE_FIELDS)]
    count, soonest = 0, []
    for rows in _open_case_batches(columns, batch_size, table.c.next_deadline_on >= since):
        moves = []
        for values in queries.with_deadline_records(rows):
            row = values
            if rules.is_paused(values):
                continue
            was = rules.next_open_deadline(rules.compute_deadlines(values, before))
            now = rules.next_open_deadline(rules.compute_deadlines(values, after))
            was_estimated, now_estimated = bool(was and was.estimated), bool(now and now.estimated)
            due = now.due_on if now else None
            if (row["next_deadline_on"], was_estimated) != (due, now_estimated):
                moves.append(
                    DeadlineMove(row["id"], row["number"], row["next_deadline_on"], was_estimated, due, now_estimated)
                )
        count += len(moves)
        # Only the soonest are kept between batches: a change early in the year may move most open cases.
        soonest = heapq.nsmallest(limit, soonest + moves, key=lambda m: (m.after or date.max, m.number))
    return count, soonest


def get_case_for_edit(actor, case_id: int) -> Case:
    case = queries.get_visible_case(actor, case_id)
    check_can_write(actor, case.respondent_unit_id)
    return case


# --- 结案报备: a unit reports its outcome, the legal bureau confirms ---------------------------------------------


def pending_outcome_report(case: Case) -> OutcomeReport | None:
    return db.session.scalar(
        select(OutcomeReport).where(OutcomeReport.case_id == case.id, OutcomeReport.status == "pending")
    )


def report_outcome(
    case: Case,
    actor,
    today: date,
    *,
    outcome: str,
    concluded_on: date | None,
    note: str = "",
    amount_granted_fen: int | None = None,
):
    """A unit's liaison reports how its case ended. Nothing about the case changes until the legal bureau
    confirms: the figures count confirmed outcomes only."""
    if not can(actor, "report_outcome", case.respondent_unit_id):
        raise PermissionDenied(N_("Only the respondent unit's liaison reports a case's outcome."))
    if case.status != "accepted":
        raise DomainError(N_("Only an accepted, open case can have its outcome reported."))
    if pending_outcome_report(case) is not None:
        raise DomainError(N_("An outcome report for this case is already waiting for the legal bureau."))
    if concluded_on is None:
        raise DomainError(N_("Give the date."))
    reported = {"concluded_on": concluded_on, "outcome": outcome}
    if case.spec.uses("amount_granted_fen"):
        reported["amount_granted_fen"] = amount_granted_fen
    problems = rules.validate_case({**_snapshot(case), **reported}, today)
    if problems:
        raise CaseInvalid(problems)
    report = OutcomeReport(
        case_id=case.id,
        outcome=outcome,
        concluded_on=concluded_on,
        amount_granted_fen=reported.get("amount_granted_fen"),
        note=(note or "").strip(),
        status="pending",
        reported_by_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "case",
        case.id,
        "outcome_reported",
        actor,
        [("outcome", None, outcome), ("concluded_on", None, concluded_on)],
        comment=report.note or None,
    )
    return report


def _pending_report_for_decision(report: OutcomeReport, actor) -> None:
    if not can(actor, "confirm_outcome"):
        raise PermissionDenied(N_("Only the legal bureau confirms a reported outcome."))
    if report.status != "pending":
        raise DomainError(N_("This outcome report has already been decided."))


def confirm_outcome_report(report: OutcomeReport, actor, today: date) -> Case:
    """The legal bureau confirms: the case concludes with the reported outcome and date."""
    _pending_report_for_decision(report, actor)
    case = report.case
    transition(
        case,
        "conclude",
        actor,
        today,
        on=report.concluded_on,
        outcome=report.outcome,
        amount_granted_fen=report.amount_granted_fen,
    )
    report.status, report.decided_by_id, report.decided_at = "confirmed", actor.id, datetime.now(UTC)
    audit.record("case", case.id, "outcome_confirmed", actor, [("outcome", None, report.outcome)])
    db.session.flush()
    return case


def return_outcome_report(report: OutcomeReport, actor, reason: str) -> OutcomeReport:
    _pending_report_for_decision(report, actor)
    if not (reason or "").strip():
        raise DomainError(N_("Give a reason; it is kept in the case history."))
    report.status, report.decided_by_id, report.decided_at = "returned", actor.id, datetime.now(UTC)
    report.return_reason = reason.strip()
    audit.record("case", report.case_id, "outcome_returned", actor, comment=report.return_reason)
    db.session.flush()
    return report


# --- court-set dates ----------------------------------------------------------------------------------------


def _court_date_fields(item: CourtDate, removed: bool = False) -> list[tuple]:
    """A court date as the history keeps it: its kind (coded, named when shown), day and note."""
    fields = [("court_date_kind", item.kind), ("court_date_due_on", item.due_on), ("court_date_note", item.note)]
    return [(name, value, None) if removed else (name, None, value) for name, value in fields if value]


def _check_court_dates(case: Case, actor) -> None:
    if not can(actor, "set_court_dates", case.respondent_unit_id):
        raise PermissionDenied(N_("Your role cannot do that."))


def add_court_date(case: Case, actor, today: date, *, kind: str, due_on: date | None, owner_id, note: str = ""):
    """A date the court set; a 举证期限 without one is due 15 days from service of the complaint (Art. 67)."""
    _check_court_dates(case, actor)
    if due_on is None and kind == "evidence_deadline":
        due_on = rules.default_evidence_deadline(case.served_on, current_calendar())
    _raise_problems(rules.court_date_problems(case.kind, kind, due_on, note, today))
    owner_key = parse_id(owner_id) if owner_id not in (None, "", 0) else None
    owner = db.session.get(User, owner_key) if owner_key else None
    if owner_key and (owner is None or not owner.active or not can(owner, "set_court_dates", case.respondent_unit_id)):
        raise CaseInvalid([rules.Problem("owner_id", N_("The owner must be active staff or a liaison of the unit."))])
    item = CourtDate(
        kind=kind,
        due_on=due_on,
        note=(note or "").strip(),
        owner_id=owner.id if owner else getattr(actor, "id", None),
        created_by_id=getattr(actor, "id", None),
    )
    case.court_dates.append(item)
    db.session.flush()
    refresh_derived(case)
    audit.record("case", case.id, "court_date_added", actor, _court_date_fields(item))
    flush_or_conflict(_CONFLICT)
    return item


def complete_court_date(item: CourtDate, actor, today: date, *, done_on: date | None) -> CourtDate:
    case = item.case
    _check_court_dates(case, actor)
    if item.done_on is not None or item.withdrawn:
        raise DomainError(N_("This court date is already marked done."))
    if done_on is None:
        raise DomainError(N_("Give the date."))
    _raise_problems(rules.day_problems_of(done_on, today, "done_on"))
    item.done_on = done_on
    refresh_derived(case)
    audit.record(
        "case",
        case.id,
        "court_date_done",
        actor,
        [("court_date_kind", None, item.kind), ("court_date_done_on", None, done_on)],
    )
    flush_or_conflict(_CONFLICT)
    return item


def remove_court_date(item: CourtDate, actor) -> None:
    """A date entered by mistake (or vacated by the court) stops being a deadline; the record stays, struck out."""
    case = item.case
    _check_court_dates(case, actor)
    if item.withdrawn:
        raise DomainError(N_("This court date was already removed."))
    fields = _court_date_fields(item, removed=True)
    item.withdrawn = True
    db.session.flush()
    refresh_derived(case)
    audit.record("case", case.id, "court_date_removed", actor, fields)
    flush_or_conflict(_CONFLICT)


# --- 上诉 / 不上诉: the respondent's decision after losing at first instance (行政诉讼法 Art. 85) ----------------


def record_appeal_decision(
    case: Case,
    actor,
    today: date,
    *,
    decision: str,
    decided_on: date | None,
    approved_by: str,
    expected_version: int | str | None = None,
) -> Case:
    """The respondent unit (or the staff for it) records whether it appeals a judgment it lost, with who approved
    it; that meets the appeal deadline. A decision once recorded may be corrected, never cleared."""
    if not can(actor, "decide_appeal", case.respondent_unit_id):
        raise PermissionDenied(N_("Only the respondent unit's liaison or the staff record the appeal decision."))
    check_version(case, expected_version, _CONFLICT)
    if not rules.can_decide_appeal(case.kind, case.instance, case.outcome):
        raise DomainError(N_("Only a lost first-instance case has an appeal to decide."))
    before = _snapshot(case)
    changes = {
        "appeal_decision": decision or None,
        "appeal_decided_on": decided_on,
        "appeal_approved_by": (approved_by or "").strip() or None,
    }
    if changes["appeal_decision"] is None:
        raise CaseInvalid([rules.Problem("appeal_decision", N_("Choose appeal or no appeal."))])
    _validate({**before, **changes}, today, case.id)
    for name, value in changes.items():
        setattr(case, name, value)
    audit.record("case", case.id, "appeal_decided", actor, audit.diff(before, _snapshot(case)))
    flush_or_conflict(_CONFLICT)
    return case


def reveal_personal_data(cases, actor) -> bool:
    """Whether ``actor`` sees these cases' applicants' ID numbers in full. Each case whose numbers are shown
    unmasked is recorded in the audit trail (等保: who saw which personal data, and when)."""
    if not can(actor, "read_personal_data"):
        return False
    shown = [case.id for case in cases if any(applicant.id_number for applicant in case.applicants)]
    if not is_system(actor):
        # Entries of the request's own, sealed at its commit: a page view takes no lock on the chain while it renders.
        for case_id in shown:
            audit.record("personal_data", case_id, "personal_data_viewed", actor)
    return True


def reseal_id_numbers(batch: int = 2_000) -> int:
    """Seal one batch of the ID numbers not sealed under the current key and cipher again (``keys rotate``);
    returns how many. Resumable: what is done stays done, the next call takes the next batch."""
    keys = ciphers.keys()
    current = f"{ciphers.PREFIX}:{keys.current}:{keys.cipher}:"
    rows = db.session.execute(
        select(Applicant.id, Applicant.id_number_sealed)
        .where(Applicant.id_number_sealed.is_not(None), ~Applicant.id_number_sealed.startswith(current))
        .order_by(Applicant.id)
        .limit(batch)
    ).all()
    if rows:
        plain = {row.id: ciphers.unseal(row.id_number_sealed) for row in rows}
        db.session.execute(
            update(Applicant.__table__)
            .where(Applicant.__table__.c.id == bindparam("row_id"))
            .values(id_number_sealed=bindparam("sealed"), id_number_digest=bindparam("digest")),
            [{"row_id": i, "sealed": ciphers.seal(v), "digest": ciphers.digest(v)} for i, v in plain.items()],
        )
    return len(rows)


def id_numbers_by_key() -> dict[str, int]:
    """How many sealed ID numbers each key (and cipher) holds: what `keys rotate` has left to do."""
    counts: dict[str, int] = {}
    for (sealed,) in db.session.execute(
        select(Applicant.id_number_sealed).where(Applicant.id_number_sealed.is_not(None))
    ):
        key = ":".join(sealed.split(":", 3)[1:3])
        counts[key] = counts.get(key, 0) + 1
    return counts
