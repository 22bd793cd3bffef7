"""听证 of review cases (行政复议法 2023 Arts 50–51), as pure rules: when the notice is on time, what a schedule and
an attendance record need. The period is the case kind's (cases.kinds); the head's titles are the court hearings'."""

from __future__ import annotations

from datetime import date, timedelta

from casetrack import dates
from casetrack.cases import kinds
from casetrack.hearings import rules as hearing_rules
from casetrack.i18n import N_

#: A 听证 this close (in calendar days) whose notice is still to go out, or whose head's attendance is still
#: open, is on the daily reminders — the same horizon as naming a head for a court hearing.
REMIND_DAYS_AHEAD = hearing_rules.NAME_PRINCIPAL_DAYS_AHEAD
#: The case status in which a 听证 may be scheduled (cases.rules.STATUSES).
ACCEPTED = "accepted"


def notice_days(case_kind: str | None) -> int | None:
    """Working days the notice must precede the hearing by, or None: the kind holds no 听证."""
    kind = kinds.kind_of(case_kind)
    return kind.review_hearing_notice_days if kind else None


def notice_is_late(notice_sent_on: date, held_on: date, calendar, days: int) -> bool:
    """Art. 51 wants the notice out "at least 5 days before" the hearing; Art. 88 counts those as working days. On
    time: the ``days`` working days after the notice day (not counting it) have all passed by the hearing day, so
    a notice on Monday is on time for a hearing the Monday after, over a plain weekend."""
    return calendar.add_working_days(notice_sent_on, days) > held_on


def latest_notice_day(held_on: date, calendar, days: int) -> date:
    """The last day a notice is on time for a hearing on ``held_on`` (shown on the page, so staff know by when)."""
    day = held_on - timedelta(days=1)
    while notice_is_late(day, held_on, calendar, days):
        day -= timedelta(days=1)
    return day


def case_problems(case_kind: str | None, status: str | None) -> list[str]:
    """A 听证 is part of hearing an accepted review (Art. 50): not before admission, not once concluded, and not
    while the review is suspended (中止: the proceedings stand still)."""
    if notice_days(case_kind) is None:
        return [N_("Only review cases have hearings (听证).")]
    if status != ACCEPTED:
        return [N_("A hearing (听证) can be scheduled only on an accepted review that is still open.")]
    return []


def notice_problems(notice_sent_on: date | None, held_on: date | None, accepted_on: date | None, today: date):
    if notice_sent_on is None:
        return []
    if problems := dates.happened_problems(notice_sent_on, today):
        return problems
    if accepted_on is not None and notice_sent_on < accepted_on:
        return [N_("The notice cannot have gone out before the case was accepted.")]
    if held_on is not None and notice_sent_on > held_on:
        return [N_("The notice cannot go out after the hearing.")]
    return []


def schedule_problems(
    case_kind: str | None,
    status: str | None,
    accepted_on: date | None,
    held_on: date | None,
    place: str,
    matters: str,
    notice_sent_on: date | None,
    today: date,
) -> list[str]:
    """Everything wrong with a 听证 to schedule (every problem at once, so one correction fixes the form)."""
    if problems := case_problems(case_kind, status):
        return problems
    problems = []
    if held_on is None:
        problems.append(N_("Give the hearing date."))
    else:
        problems += dates.planned_problems(held_on, today)
        if accepted_on is not None and held_on < accepted_on:
            problems.append(N_("The hearing cannot be before the case was accepted."))
    if not place.strip():
        problems.append(N_("Give the place of the hearing."))
    if not matters.strip():
        problems.append(N_("Give the matters to be heard."))
    return problems + notice_problems(notice_sent_on, held_on, accepted_on, today)


def attendance_problems(
    held_on: date,
    today: date,
    attended: bool | None,
    name: str,
    title: str | None,
    absence_reason: str,
    delegate_name: str,
) -> list[str]:
    """Art. 51: the respondent's head attends; one who cannot gives the reason and sends a staff member — so a
    record of absence needs both."""
    if too_early := hearing_rules.recording_day_problems(held_on, today):
        return too_early
    if attended is None:
        return [N_("Say whether the respondent's head attended.")]
    if attended:
        problems = []
        if not name.strip():
            problems.append(N_("Name the head who attended."))
        if title not in hearing_rules.PRINCIPAL_TITLES:
            problems.append(N_("Choose the head's title."))
        return problems
    problems = []
    if not absence_reason.strip():
        problems.append(N_("When the head did not attend, give the reason."))
    if not delegate_name.strip():
        problems.append(N_("When the head did not attend, name the staff member sent instead."))
    return problems


def attendance_state(attended: bool | None) -> str:
    """to_record | attended | absent"""
    if attended is None:
        return "to_record"
    return "attended" if attended else "absent"


ATTENDANCE_STATES = {
    "to_record": N_("Not recorded yet"),
    "attended": N_("Head attended"),
    "absent": N_("Head did not attend — staff member sent"),
}

#: How the audit trail names what a 听证 records on its case's history.
AUDIT_FIELDS = {
    "case": {
        "review_hearing": N_("Hearing (听证)"),
        "review_hearing_notice": N_("Hearing notice sent on"),
        "head_attended": N_("Head attended the hearing (听证)"),
        "head_name": N_("Head who attended"),
        "head_title": N_("Title of the head who attended"),
        "delegate_name": N_("Staff member sent"),
        "review_absence_reason": N_("Reason the head did not attend"),
    }
}
AUDIT_VALUES = {"case": {"head_title": hearing_rules.PRINCIPAL_TITLES}}
