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
from casetrack.hearings.models import Hearing, HearingAppearance
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


def respondent_unit(hearing: Hearing, unit_id: int | None) -> int:
    """The respondent unit whose appearance is meant: the main respondent for None, else a co-defendant's."""
    if unit_id in (None, hearing.case.respondent_unit_id):
        return hearing.case.respondent_unit_id
    if unit_id not in {r.unit_id for r in hearing.case.co_respondents}:
        raise DomainError(N_("That unit is not a co-defendant of this case."))
    return unit_id


def appearance_record(hearing: Hearing, unit_id: int | None = None):
    """The appearance record of one respondent unit at a hearing: the hearing's own fields for the main respondent
    (``unit_id`` None or the case's unit), a HearingAppearance for a co-defendant (made when first needed)."""
    if respondent_unit(hearing, unit_id) == hearing.case.respondent_unit_id:
        return hearing
    record = next((a for a in hearing.co_appearances if a.unit_id == unit_id), None)
    if record is None:
        from casetrack.accounts.models import Unit

        record = HearingAppearance(unit_id=unit_id, unit=db.session.get(Unit, unit_id))
        hearing.co_appearances.append(record)
    return record


def _comment(hearing: Hearing, record) -> str:
    # A co-defendant's record is told apart in the case history by its unit.
    return str(hearing.held_on) if record is hearing else f"{hearing.held_on} {record.unit.name}"


def name_principal(
    hearing: Hearing, actor, *, name: str, title: str, expected_version=None, unit_id: int | None = None
) -> Hearing:
    """Name the head who will appear for the main respondent or (``unit_id``) for a co-defendant."""
    check_can_write(actor, respondent_unit(hearing, unit_id), "record_appearance")
    record = appearance_record(hearing, unit_id)
    check_version(hearing, expected_version, _CONFLICT)
    _raise_first(rules.principal_problems(name, title))
    before = {"principal_name": record.principal_name, "principal_title": record.principal_title}
    record.principal_name, record.principal_title = name.strip(), title
    record.principal_named_at = datetime.now(UTC)
    audit.record(
        "case",
        hearing.case_id,
        "principal_named",
        actor,
        # Apart, so that the position is kept as its code and shown in the reader's language.
        audit.diff(before, {"principal_name": record.principal_name, "principal_title": title}),
        comment=_comment(hearing, record),
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
    unit_id: int | None = None,
) -> Hearing:
    """Record whether the main respondent's head — or (``unit_id``) a co-defendant's — appeared."""
    check_can_write(actor, respondent_unit(hearing, unit_id), "record_appearance")
    record = appearance_record(hearing, unit_id)
    check_version(hearing, expected_version, _CONFLICT)
    _raise_first(rules.appearance_problems(hearing.held_on, today, appeared, name, title, absence_reason))
    before = {
        "appeared": record.appeared,
        "principal_name": record.principal_name,
        "spoke": record.spoke,
        "absence_reason": record.absence_reason,
    }
    record.appeared = appeared
    if appeared:
        record.principal_name, record.principal_title, record.spoke = name.strip(), title, bool(spoke)
        record.absence_reason = None
    else:
        record.spoke, record.absence_reason = None, absence_reason.strip()
    # A changed record needs approving again; an approval never carries over to a different reason.
    record.absence_approved_by_id = record.absence_approved_at = None
    record.recorded_at = datetime.now(UTC)
    after = {
        "appeared": record.appeared,
        "principal_name": record.principal_name,
        "spoke": record.spoke,
        "absence_reason": record.absence_reason,
    }
    audit.record(
        "case",
        hearing.case_id,
        "appearance_recorded",
        actor,
        audit.diff(before, after),
        comment=_comment(hearing, record),
    )
    flush_or_conflict(_CONFLICT)
    return hearing


def approve_absence(hearing: Hearing, actor, unit_id: int | None = None) -> Hearing:
    if not can(actor, "approve_absence"):
        raise PermissionDenied(N_("Only the legal bureau approves a head's absence."))
    record = appearance_record(hearing, unit_id)
    if record.appeared is not False:
        raise DomainError(N_("There is no absence to approve for this hearing."))
    record.absence_approved_by_id = actor.id if actor else None
    record.absence_approved_at = datetime.now(UTC)
    comment = record.absence_reason if record is hearing else f"{record.unit.name}：{record.absence_reason}"
    audit.record("case", hearing.case_id, "absence_approved", actor, comment=comment)
    flush_or_conflict(_CONFLICT)
    return hearing
