"""Verbs on mediations: register, log a session, close, and conclude the linked case after a success."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from casetrack.accounts.models import Unit, User
from casetrack.accounts.permissions import can, is_system
from casetrack.audit import services as audit
from casetrack.cases import services as case_services
from casetrack.cases.models import Case
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.mediation import rules
from casetrack.mediation.models import Mediation, MediationSession
from casetrack.unit_of_work import check_version, flush_or_conflict

#: Roles that run mediations; units and leaders read them.
_CONFLICT = N_("Someone else changed this mediation after you opened it. Reload the page and try again.")


def mediates_by_default(actor) -> bool:
    return not is_system(actor) and can(actor, "mediates_by_default")


def check_can_write(actor) -> None:
    if not can(actor, "write_mediation"):
        raise PermissionDenied(N_("Only the mediation center and the legal bureau change mediations."))


def _raise_first(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0])


def register_mediation(data: dict, actor, today: date) -> Mediation:
    """data: number, case (a Case or None), respondent_unit_id, source, mediator_id, parties, subject, received_on."""
    check_can_write(actor)
    number = (data.get("number") or "").strip()
    if not number:
        raise DomainError(N_("The mediation number is required."))
    if db.session.scalar(select(Mediation.id).where(Mediation.number == number)):
        raise DomainError(N_("A mediation with this number already exists."))
    case: Case | None = data.get("case")
    unit_id = case.respondent_unit_id if case is not None else data.get("respondent_unit_id")
    if not unit_id or db.session.get(Unit, unit_id) is None:
        raise DomainError(N_("The respondent unit is required."))
    source = data.get("source") or rules.source_for_case_kind(case.kind if case else None)
    if source not in rules.SOURCES:
        raise DomainError(N_("Unknown source."))
    if source == "pre_filing" and case is not None:
        raise DomainError(N_("A mediation linked to a case is not a pre-filing dispute."))
    received_on = data.get("received_on")
    _raise_first(rules.received_problems(received_on, today))
    mediator_id = data.get("mediator_id") or (actor.id if mediates_by_default(actor) else None)
    if mediator_id:
        mediator = db.session.get(User, mediator_id)
        if mediator is None or not can(mediator, "mediate"):
            raise DomainError(N_("Choose an active mediator."))
    mediation = Mediation(
        number=number,
        case=case,
        source=source,
        respondent_unit_id=unit_id,
        mediator_id=mediator_id,
        parties=(data.get("parties") or "").strip(),
        subject=(data.get("subject") or "").strip(),
        received_on=received_on,
        last_activity_on=received_on,
        status="open",
        created_by_id=actor.id if actor else None,
    )
    mediation.search_grams = rules.search_grams(mediation.number, mediation.parties, mediation.subject)
    db.session.add(mediation)
    db.session.flush()
    audit.record(
        "mediation",
        mediation.id,
        "created",
        actor,
        [("number", None, number), ("source", None, source), ("case", None, case.number if case else None)],
    )
    return mediation


def add_session(
    mediation: Mediation, actor, today: date, *, held_on: date | None, participants: str, notes: str
) -> MediationSession:
    check_can_write(actor)
    if mediation.status != "open":
        raise DomainError(N_("This mediation is already closed."))
    _raise_first(rules.session_problems(held_on, mediation.received_on, today, notes))
    session = MediationSession(
        held_on=held_on,
        participants=participants.strip(),
        notes=notes.strip(),
        recorded_by_id=actor.id if actor else None,
    )
    mediation.sessions.append(session)
    mediation.last_activity_on = max(mediation.last_activity_on, held_on)
    audit.record("mediation", mediation.id, "session_logged", actor, [("session", None, str(held_on))])
    flush_or_conflict(_CONFLICT)
    return session


def close_mediation(
    mediation: Mediation,
    actor,
    today: date,
    *,
    result: str,
    concluded_on: date | None,
    agreement: str = "",
    expected_version=None,
) -> Mediation:
    check_can_write(actor)
    check_version(mediation, expected_version, _CONFLICT)
    _raise_first(rules.close_problems(mediation.status, result, concluded_on, mediation.received_on, today, agreement))
    before = {"status": mediation.status, "concluded_on": mediation.concluded_on}
    mediation.status, mediation.concluded_on = result, concluded_on
    mediation.agreement_summary = agreement.strip() or None
    audit.record(
        "mediation",
        mediation.id,
        "closed",
        actor,
        audit.diff(before, {"status": result, "concluded_on": concluded_on}),
        comment=mediation.agreement_summary,
    )
    flush_or_conflict(_CONFLICT)
    return mediation


def can_conclude_linked_case(mediation: Mediation) -> bool:
    return mediation.status == "succeeded" and mediation.case is not None and mediation.case.is_open


def conclude_linked_case(mediation: Mediation, actor, today: date, *, outcome: str) -> Case:
    """After a successful mediation, close its case as it allows (review: 终止/调解; litigation: 撤诉/调解)."""
    if not can_conclude_linked_case(mediation):
        raise DomainError(N_("Only an open case linked to a successful mediation can be concluded this way."))
    case = mediation.case
    if outcome not in rules.CASE_OUTCOMES_AFTER_SUCCESS[case.kind]:
        raise DomainError(N_("This outcome is not possible for this type of case."))
    if case.status == "received":
        raise DomainError(N_("Accept the case first; it can then be concluded."))
    if case.status == "suspended":
        # The review or lawsuit was suspended for this mediation: it runs again from the day the mediation ended.
        running = case.open_suspension
        resumed_on = mediation.concluded_on if running and mediation.concluded_on >= running.suspended_on else today
        case_services.transition(case, "resume", actor, today, on=resumed_on)
    return case_services.transition(
        case,
        "conclude",
        actor,
        today,
        on=mediation.concluded_on,
        outcome=outcome,
        reason=f"调解成功 {mediation.number}",
    )
