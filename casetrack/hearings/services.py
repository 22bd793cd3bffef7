"""Verbs on hearings: schedule, name the head who will appear, record the appearance, approve an absence."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.cases.models import Case
from casetrack.cases.services import check_can_write
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.hearings import rules
from casetrack.hearings.models import Hearing
from casetrack.i18n import N_
from casetrack.unit_of_work import check_version, flush_or_conflict

_CONFLICT = N_("Someone else changed this hearing after you opened it. Reload the page and try again.")


def _raise_first(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0])


def schedule_hearing(
    case: Case, actor, *, held_on: date | None, court: str, courtroom: str = "", starts_at=None
) -> Hearing:
    check_can_write(actor, case.respondent_unit_id, "schedule_hearing")
    _raise_first(rules.schedule_problems(case.kind, held_on, court, case.received_on, local_today()))
    hearing = Hearing(case=case, held_on=held_on, court=court.strip(), courtroom=courtroom.strip(), starts_at=starts_at)
    db.session.add(hearing)
    db.session.flush()
    audit.record("case", case.id, "hearing_scheduled", actor, [("hearing", None, f"{held_on} {hearing.court}")])
    return hearing


def name_principal(hearing: Hearing, actor, *, name: str, title: str, expected_version=None) -> Hearing:
    check_can_write(actor, hearing.case.respondent_unit_id, "record_appearance")
    check_version(hearing, expected_version, _CONFLICT)
    _raise_first(rules.principal_problems(name, title))
    before = {"principal_name": hearing.principal_name, "principal_title": hearing.principal_title}
    hearing.principal_name, hearing.principal_title = name.strip(), title
    hearing.principal_named_at = datetime.now(UTC)
    audit.record(
        "case",
        hearing.case_id,
        "principal_named",
        actor,
        # Apart, so that the position is kept as its code and shown in the reader's language.
        audit.diff(before, {"principal_name": hearing.principal_name, "principal_title": title}),
        comment=str(hearing.held_on),
    )
    flush_or_conflict(_CONFLICT)
    return hearing


def record_appearance(
    hearing: Hearing,
    actor,
    today: date,
    *,
    appeared: bool | None,
    name: str = "",
    title: str | None = None,
    spoke: bool | None = None,
    absence_reason: str = "",
    expected_version=None,
) -> Hearing:
    check_can_write(actor, hearing.case.respondent_unit_id, "record_appearance")
    check_version(hearing, expected_version, _CONFLICT)
    _raise_first(rules.appearance_problems(hearing.held_on, today, appeared, name, title, absence_reason))
    before = {
        "appeared": hearing.appeared,
        "principal_name": hearing.principal_name,
        "spoke": hearing.spoke,
        "absence_reason": hearing.absence_reason,
    }
    hearing.appeared = appeared
    if appeared:
        hearing.principal_name, hearing.principal_title, hearing.spoke = name.strip(), title, bool(spoke)
        hearing.absence_reason = None
    else:
        hearing.spoke, hearing.absence_reason = None, absence_reason.strip()
    # A changed record needs approving again; an approval never carries over to a different reason.
    hearing.absence_approved_by_id = hearing.absence_approved_at = None
    hearing.recorded_at = datetime.now(UTC)
    after = {
        "appeared": hearing.appeared,
        "principal_name": hearing.principal_name,
        "spoke": hearing.spoke,
        "absence_reason": hearing.absence_reason,
    }
    audit.record(
        "case", hearing.case_id, "appearance_recorded", actor, audit.diff(before, after), comment=str(hearing.held_on)
    )
    flush_or_conflict(_CONFLICT)
    return hearing


def approve_absence(hearing: Hearing, actor) -> Hearing:
    if not can(actor, "approve_absence"):
        raise PermissionDenied(N_("Only the legal bureau approves a head's absence."))
    if hearing.appeared is not False:
        raise DomainError(N_("There is no absence to approve for this hearing."))
    hearing.absence_approved_by_id = actor.id if actor else None
    hearing.absence_approved_at = datetime.now(UTC)
    audit.record("case", hearing.case_id, "absence_approved", actor, comment=hearing.absence_reason)
    flush_or_conflict(_CONFLICT)
    return hearing
