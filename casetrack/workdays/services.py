"""Loading the calendar with the admin's overrides, and editing those overrides."""

from __future__ import annotations

import logging
from datetime import date

from flask import g, has_app_context
from sqlalchemy import select

from casetrack.audit import services as audit
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.workdays.models import CalendarYear, HolidayOverride
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup

log = logging.getLogger(__name__)


def load_calendar() -> WorkCalendar:
    overrides = {row.day: row.is_workday for row in db.session.scalars(select(HolidayOverride))}
    complete = db.session.scalars(select(CalendarYear.year).where(CalendarYear.complete))
    return WorkCalendar(overrides, chinese_calendar_lookup, complete)


def current_calendar() -> WorkCalendar:
    """One calendar per request or task: the override table is read once, not per deadline."""
    if not has_app_context():
        return load_calendar()
    if "work_calendar" not in g:
        g.work_calendar = load_calendar()
    return g.work_calendar


def years_needing_schedule(today: date) -> list[int]:
    """This year and next, where no holiday schedule is known: deadlines there are weekend-only estimates."""
    calendar = current_calendar()
    return [year for year in (today.year, today.year + 1) if not calendar.knows_year(year)]


def set_override(day: date, is_workday: bool, note: str, actor) -> HolidayOverride:
    if not note.strip():
        raise DomainError(N_("Say what the day is, e.g. 春节 or 调休上班."))
    row = db.session.get(HolidayOverride, day)
    before = {"is_workday": row.is_workday, "note": row.note} if row else {}
    if row is None:
        row = HolidayOverride(day=day)
        db.session.add(row)
    row.is_workday = is_workday
    row.note = note.strip()
    db.session.flush()
    audit.record(
        "holiday_override",
        int(day.strftime("%Y%m%d")),
        "updated" if before else "created",
        actor,
        audit.diff(before, {"is_workday": is_workday, "note": row.note}),
    )
    g.pop("work_calendar", None)
    return row


def delete_override(day: date, actor) -> None:
    row = db.session.get(HolidayOverride, day)
    if row is None:
        raise DomainError(N_("There is no override for that day."))
    audit.record(
        "holiday_override",
        int(day.strftime("%Y%m%d")),
        "deleted",
        actor,
        [("is_workday", row.is_workday, None), ("note", row.note, None)],
    )
    db.session.delete(row)
    db.session.flush()
    g.pop("work_calendar", None)
