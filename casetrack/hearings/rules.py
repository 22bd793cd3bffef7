"""Hearings and the principal's appearance in court (行政机关负责人出庭应诉), as pure rules."""

from __future__ import annotations

from datetime import date

from casetrack import dates
from casetrack.cases import kinds
from casetrack.i18n import N_

PRINCIPAL_TITLES = {"main": N_("Principal head"), "deputy": N_("Deputy head in charge"), "other": N_("Other head")}
#: Ledger terms for the titles (SPEC section 4 uses the Chinese words).
PRINCIPAL_TITLE_TERMS = {"主要负责人": "main", "分管负责人": "deputy", "其他负责人": "other"}
#: A principal should be named this many days before the hearing; the daily reminder looks this far ahead.
NAME_PRINCIPAL_DAYS_AHEAD = 7


def schedule_problems(case_kind: str, held_on: date | None, court: str, received_on: date, today: date) -> list[str]:
    problems = []
    if not kinds.has_hearings(case_kind):
        problems.append(N_("Only litigation cases have court hearings."))
    if held_on is None:
        problems.append(N_("Give the hearing date."))
    else:
        problems += held_on_problems(held_on, received_on, today)
    if not court.strip():
        problems.append(N_("Name the court."))
    return problems


def held_on_problems(held_on: date, received_on: date | None, today: date) -> list[str]:
    """A hearing's day: planned (it may be entered after it was held), and not before the case reached the court."""
    if problems := dates.planned_problems(held_on, today):
        return problems
    if received_on is not None and held_on < received_on:
        return [N_("The date is before the date received.")]
    return []


def principal_problems(name: str, title: str | None) -> list[str]:
    problems = []
    if not name.strip():
        problems.append(N_("Name the head who will appear."))
    if title not in PRINCIPAL_TITLES:
        problems.append(N_("Choose the head's title."))
    return problems


def appearance_problems(
    held_on: date, today: date, appeared: bool | None, name: str, title: str | None, absence_reason: str
) -> list[str]:
    """What is wrong with an appearance record made on ``today`` for a hearing held on ``held_on``."""
    if too_early := recording_day_problems(held_on, today):
        return too_early
    if appeared is None:
        return [N_("Say whether a head appeared.")]
    if appeared:
        return principal_problems(name, title)
    if not absence_reason.strip():
        return [N_("When no head appeared, give the reason; the legal bureau must approve it.")]
    return []


def recording_day_problems(held_on: date, today: date) -> list[str]:
    """Whether a head appeared is known only once the hearing was held (the form and the ledger ask this)."""
    return [N_("Appearance can be recorded only on or after the hearing date.")] if held_on > today else []


def appearance_state(appeared: bool | None, absence_approved: bool) -> str:
    """to_record | appeared | absent_pending (awaiting the legal bureau) | absent_approved"""
    if appeared is None:
        return "to_record"
    if appeared:
        return "appeared"
    return "absent_approved" if absence_approved else "absent_pending"


#: How the audit trail names what a hearing records on its case's history.
AUDIT_FIELDS = {
    "case": {
        "hearing": N_("Hearing"),
        "principal": N_("Head to appear"),
        "principal_name": N_("Head's name"),
        "principal_title": N_("Head's position"),
        "appeared": N_("Head appeared"),
        "spoke": N_("Head spoke in court"),
        "absence_reason": N_("Reason for absence"),
    }
}
AUDIT_VALUES = {"case": {"principal_title": PRINCIPAL_TITLES}}

APPEARANCE_STATES = {
    "to_record": N_("Not recorded yet"),
    "appeared": N_("Head appeared"),
    "absent_pending": N_("No head appeared — awaiting approval"),
    "absent_approved": N_("No head appeared — reason approved"),
}
