"""Verbs on 听证 of review cases: schedule one, record that its notice went out, record whether the head attended."""

from __future__ import annotations

from datetime import UTC, date, datetime

from casetrack.audit import services as audit
from casetrack.cases.models import Case
from casetrack.cases.services import check_can_write
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.review_hearings import rules
from casetrack.review_hearings.models import ReviewHearing
from casetrack.unit_of_work import check_version, flush_or_conflict
from casetrack.workdays.services import current_calendar

_CONFLICT = N_("Someone else changed this hearing (听证) after you opened it. Reload the page and try again.")


def _raise_first(problems: list[str]) -> None:
    if problems:
        raise DomainError(problems[0])


def notice_is_late(hearing: ReviewHearing, calendar=None) -> bool:
    """Whether the recorded notice went out later than Art. 51 allows (False while none is recorded)."""
    if hearing.notice_sent_on is None:
        return False
    days = rules.notice_days(hearing.case.kind)
    return rules.notice_is_late(hearing.notice_sent_on, hearing.held_on, calendar or current_calendar(), days)


def latest_notice_day(hearing: ReviewHearing, calendar=None) -> date:
    days = rules.notice_days(hearing.case.kind)
    return rules.latest_notice_day(hearing.held_on, calendar or current_calendar(), days)


def schedule_review_hearing(
    case: Case,
    actor,
    today: date,
    *,
    held_on: date | None,
    place: str,
    matters: str,
    starts_at=None,
    notice_sent_on: date | None = None,
) -> ReviewHearing:
    """Schedule a 听证. A notice later than Art. 51 allows is still recorded (it did go out then): the caller asks
    notice_is_late and warns."""
    check_can_write(actor, case.respondent_unit_id, "schedule_review_hearing")
    _raise_first(
        rules.schedule_problems(
            case.kind, case.status, case.accepted_on, held_on, place, matters, notice_sent_on, today
        )
    )
    hearing = ReviewHearing(
        case=case,
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        matters=matters.strip(),
        notice_sent_on=notice_sent_on,
    )
    db.session.add(hearing)
    db.session.flush()
    changes = [("review_hearing", None, f"{held_on} {hearing.place}")]
    if notice_sent_on is not None:
        changes.append(("review_hearing_notice", None, notice_sent_on))
    audit.record("case", case.id, "review_hearing_scheduled", actor, changes, comment=hearing.matters)
    return hearing


def record_notice(
    hearing: ReviewHearing, actor, today: date, *, notice_sent_on: date | None, expected_version=None
) -> ReviewHearing:
    check_can_write(actor, hearing.case.respondent_unit_id, "schedule_review_hearing")
    check_version(hearing, expected_version, _CONFLICT)
    if notice_sent_on is None:
        raise DomainError(N_("Give the day the notice went out."))
    _raise_first(rules.notice_problems(notice_sent_on, hearing.held_on, hearing.case.accepted_on, today))
    before = hearing.notice_sent_on
    hearing.notice_sent_on = notice_sent_on
    audit.record(
        "case",
        hearing.case_id,
        "review_hearing_notice_recorded",
        actor,
        [("review_hearing_notice", before, notice_sent_on)],
        comment=str(hearing.held_on),
    )
    flush_or_conflict(_CONFLICT)
    return hearing


def record_attendance(
    hearing: ReviewHearing,
    actor,
    today: date,
    *,
    attended: bool | None,
    name: str = "",
    title: str | None = None,
    absence_reason: str = "",
    delegate_name: str = "",
    expected_version=None,
) -> ReviewHearing:
    check_can_write(actor, hearing.case.respondent_unit_id, "record_review_attendance")
    check_version(hearing, expected_version, _CONFLICT)
    _raise_first(
        rules.attendance_problems(hearing.held_on, today, attended, name, title, absence_reason, delegate_name)
    )
    before = _attendance_of(hearing)
    hearing.head_attended = attended
    if attended:
        hearing.head_name, hearing.head_title = name.strip(), title
        hearing.absence_reason = hearing.delegate_name = None
    else:
        hearing.head_name = hearing.head_title = None
        hearing.absence_reason, hearing.delegate_name = absence_reason.strip(), delegate_name.strip()
    hearing.recorded_at = datetime.now(UTC)
    audit.record(
        "case",
        hearing.case_id,
        "review_attendance_recorded",
        actor,
        audit.diff(before, _attendance_of(hearing)),
        comment=str(hearing.held_on),
    )
    flush_or_conflict(_CONFLICT)
    return hearing


def _attendance_of(hearing: ReviewHearing) -> dict:
    return {
        "head_attended": hearing.head_attended,
        "head_name": hearing.head_name,
        "head_title": hearing.head_title,
        "review_absence_reason": hearing.absence_reason,
        "delegate_name": hearing.delegate_name,
    }
