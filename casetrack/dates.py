"""Which calendar days the register takes for an event, in one place: the services, the ledger sheets, the API and
the command line all ask here, so a day refused on one road is refused on every road.

Nothing this register tracks happened before its floor, ``CASETRACK_EARLIEST_DATE`` (by default 1990-01-01: the
Administrative Litigation Law dates from 1989 and came into force in 1990, so no lawsuit against an agency is
older). A day on which something has happened — received, heard, concluded, done — is not after today. A day that
is planned — a hearing, a measure's due date — is not further ahead than a slip of the keyboard would put it.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, has_app_context

from casetrack.i18n import N_, FilledMsgid

DEFAULT_EARLIEST = date(1990, 1, 1)
#: A planned day further ahead than this is a typing slip (2062 for 2026): no hearing is set, and no measure due,
#: years away.
PLANNED_DAYS_AHEAD = 5 * 366


def earliest() -> date:
    """The configured floor (settings checked it is a date); outside an app the default."""
    raw = current_app.config.get("CASETRACK_EARLIEST_DATE") if has_app_context() else None
    return date.fromisoformat(raw) if raw else DEFAULT_EARLIEST


def _before_floor(day: date) -> list[str]:
    floor = earliest()
    if day < floor:
        return [FilledMsgid(N_("Dates before %(earliest)s are not accepted."), earliest=floor.isoformat())]
    return []


def happened_problems(day: date, today: date) -> list[str]:
    """What is wrong with ``day`` as the day something happened."""
    if problems := _before_floor(day):
        return problems
    if day > today:
        return [N_("The date is in the future.")]
    return []


def planned_problems(day: date, today: date) -> list[str]:
    """What is wrong with ``day`` as a day something is planned for (it may be past: a hearing entered late)."""
    if problems := _before_floor(day):
        return problems
    latest = today + timedelta(days=PLANNED_DAYS_AHEAD)
    if day > latest:
        return [FilledMsgid(N_("The date is after %(latest)s; check the year."), latest=latest.isoformat())]
    return []
