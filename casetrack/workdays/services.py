"""Loading the calendar with the admin's overrides and completed years, and changing them: a day at a time, a
year's schedule at once, and marking a year complete or reopening it. Every change is audited and first works
out which open cases' next deadlines it moves, so the page can list them; the view queues the recompute once
the change is committed."""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask import current_app, g, has_app_context
from sqlalchemy import select

from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.clock import local_now
from casetrack.errors import ConflictError, DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.workdays import rules
from casetrack.workdays.models import CalendarYear, HolidayOverride
from casetrack.workdays.rules import DayChange, DayValue, WorkCalendar, chinese_calendar_lookup

log = logging.getLogger(__name__)

#: How many of the open cases a change moves are listed on its page; the count is of all of them.
MOVES_LISTED = 50
#: A schedule file is a notice's worth of rows, not a ledger: refused past these before its cells are read.
SCHEDULE_FILE_COLUMNS = 16
SCHEDULE_FILE_BYTES = 1024 * 1024
#: Longest source note (calendar_years.source).
MAX_SOURCE = 200


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


def _forget_calendar() -> None:
    if has_app_context():
        g.pop("work_calendar", None)


def all_overrides() -> list[HolidayOverride]:
    return list(db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day.desc())))


def years_needing_schedule(today: date) -> list[int]:
    """This year and next, where no holiday schedule is known: deadlines there are weekend-only estimates."""
    calendar = current_calendar()
    return [year for year in (today.year, today.year + 1) if not calendar.knows_year(year)]


# --- what a change does ----------------------------------------------------------------------------------------


class ScheduleInvalid(DomainError):
    """A schedule with bad lines: nothing of it is used."""

    def __init__(self, problems: tuple[rules.ScheduleProblem, ...]):
        super().__init__(N_("Nothing was changed: correct the lines below and check again."))
        self.problems = problems


@dataclass
class CalendarChange:
    """A change of the calendar, before or after it is made: the days it writes, whether it completes or
    reopens its year, and the open cases whose next deadline it moves (their count, and the soonest few)."""

    year: int
    changes: list[DayChange]
    complete_before: bool
    complete_after: bool
    moved_count: int = 0
    moved: list = field(default_factory=list)
    #: Official holidays none of the year's days will name (rules.missing_holidays).
    missing_holidays: list[str] = field(default_factory=list)
    digest: str = ""
    #: The library knows the year: whether it is complete does not matter.
    by_library: bool = False

    @property
    def written(self) -> list[DayChange]:
        return [change for change in self.changes if change.kind != rules.UNCHANGED]

    @property
    def overwrites(self) -> list[DayChange]:
        return [change for change in self.changes if change.replaces_an_entry]

    @property
    def counts(self) -> Counter:
        return Counter(change.kind for change in self.changes)

    @property
    def changes_anything(self) -> bool:
        return bool(self.written) or self.complete_before != self.complete_after


class OverwriteNeeded(ConflictError):
    """The change would overwrite or remove days already entered and that was not confirmed: nothing changed."""

    def __init__(self, message: str, change: CalendarChange, **params):
        super().__init__(message, **params)
        self.change = change


class PreviewOutdated(ConflictError):
    """The calendar changed between the preview and its confirmation: nothing changed; here is the new preview."""

    def __init__(self, change: CalendarChange):
        super().__init__(
            N_("The calendar was changed since this preview was made. Nothing was changed: check the new preview.")
        )
        self.change = change


def _check_admin(actor) -> None:
    if not can(actor, "administer"):
        raise PermissionDenied(N_("Only an administrator changes the holiday calendar."))


def _check_year(year: int) -> None:
    if not rules.FIRST_YEAR <= year <= rules.LAST_YEAR:
        raise DomainError(N_("Give a year from %(first)s to %(last)s."), first=rules.FIRST_YEAR, last=rules.LAST_YEAR)


def _is_complete(year: int) -> bool:
    row = db.session.get(CalendarYear, year)
    return bool(row and row.complete)


def _entered(first: date, last: date) -> dict[date, DayValue]:
    rows = db.session.scalars(select(HolidayOverride).where(HolidayOverride.day.between(first, last)))
    return {row.day: (row.is_workday, row.note) for row in rows}


def _assess(year: int, changes: list[DayChange], complete_after: bool) -> CalendarChange:
    """The change with what it does to open cases, worked out before anything is written."""
    from casetrack.cases.services import deadline_moves  # cases read the calendar: imported here, not above

    complete_before = _is_complete(year)
    change = CalendarChange(year, changes, complete_before, complete_after)
    change.digest = rules.plan_digest(changes, complete_after)
    before = current_calendar()
    change.by_library = before.library_knows(year)
    complete_years = set(before.complete_years) - {year} | ({year} if complete_after else set())
    after = before.with_changes({c.day: c.after[0] if c.after else None for c in change.written}, complete_years)
    # Where the two calendars start to differ: the first changed day, or the whole year when it is completed or
    # reopened (its deadlines gain or lose their estimate mark without moving).
    starts = [c.day for c in change.written] + ([date(year, 1, 1)] if complete_before != complete_after else [])
    if starts:
        change.moved_count, change.moved = deadline_moves(before, after, min(starts), MOVES_LISTED)
    kept = _entered(date(year, 1, 1), date(year, 12, 31))
    for c in changes:
        if c.day.year == year:
            if c.after is None:
                kept.pop(c.day, None)
            else:
                kept[c.day] = c.after
    change.missing_holidays = rules.missing_holidays(note for is_workday, note in kept.values() if not is_workday)
    return change


def _write(change: DayChange, actor, comment: str | None = None) -> None:
    entity_id = int(change.day.strftime("%Y%m%d"))
    row = db.session.get(HolidayOverride, change.day)
    before = {"is_workday": change.before[0], "note": change.before[1]} if change.before else {}
    if change.after is None:
        removed = audit.diff(before, dict.fromkeys(before))
        audit.record("holiday_override", entity_id, "deleted", actor, removed, comment=comment)
        db.session.delete(row)
        return
    if row is None:
        row = HolidayOverride(day=change.day)
        db.session.add(row)
    row.is_workday, row.note = change.after
    after = {"is_workday": row.is_workday, "note": row.note}
    action = "updated" if change.before else "created"
    audit.record("holiday_override", entity_id, action, actor, audit.diff(before, after), comment=comment)


# --- one day at a time -----------------------------------------------------------------------------------------


def set_override(day: date, is_workday: bool, note: str, actor, overwrite: bool = False) -> CalendarChange:
    """Enter one day. A day already entered differently is overwritten only when ``overwrite`` says the person
    was asked: re-entering a day must never silently flip it (元旦 turned into a working day)."""
    _check_admin(actor)
    if not note.strip():
        raise DomainError(N_("Say what the day is, e.g. 春节 or 调休上班."))
    if len(note.strip()) > rules.MAX_NOTE:
        raise DomainError(N_("The name is longer than %(limit)s characters."), limit=rules.MAX_NOTE)
    existing = _entered(day, day).get(day)
    change = _assess(day.year, [DayChange(day, existing, (is_workday, note.strip()))], _is_complete(day.year))
    if change.overwrites and not overwrite:
        raise OverwriteNeeded(
            N_("%(day)s is already entered. Nothing was changed: confirm below to overwrite it."),
            change,
            day=day.isoformat(),
        )
    for day_change in change.written:
        _write(day_change, actor)
    db.session.flush()
    _forget_calendar()
    return change


def delete_override(day: date, actor) -> CalendarChange:
    _check_admin(actor)
    existing = _entered(day, day).get(day)
    if existing is None:
        raise DomainError(N_("There is no override for that day."))
    change = _assess(day.year, [DayChange(day, existing, None)], _is_complete(day.year))
    _write(change.changes[0], actor)
    db.session.flush()
    _forget_calendar()
    return change


# --- a year's schedule at once ---------------------------------------------------------------------------------


def _check_schedule_year(year: int) -> None:
    _check_year(year)
    if current_calendar().library_knows(year):
        raise DomainError(
            N_("chinese-calendar already knows the holidays of %(year)s; correct single days on the calendar page."),
            year=year,
        )


def plan_schedule(
    year: int, text: str, actor, remove_others: bool = False, complete: bool = False, source: str = ""
) -> CalendarChange:
    """What entering ``text`` as the schedule of ``year`` would change, without changing it: the preview. A year
    to be marked complete needs the ``source`` its schedule was checked against."""
    _check_admin(actor)
    _check_schedule_year(year)
    if complete:
        _check_source(source.strip())
    schedule = rules.parse_schedule(text, year)
    if not schedule.ok:
        raise ScheduleInvalid(schedule.problems)
    existing = _entered(date(year - 1, 12, 1), date(year, 12, 31))
    changes = rules.plan_schedule(schedule, existing, remove_others)
    return _assess(year, changes, complete or _is_complete(year))


def apply_schedule(
    year: int,
    text: str,
    actor,
    *,
    digest: str,
    remove_others: bool = False,
    complete: bool = False,
    source: str = "",
    overwrite: bool = False,
) -> CalendarChange:
    """Enter a previewed schedule, all of it or nothing: refused when the calendar changed since the preview
    (``digest``), or when it overwrites or removes entered days and ``overwrite`` was not ticked."""
    source = source.strip()
    change = plan_schedule(year, text, actor, remove_others, complete, source)
    if change.digest != digest:
        raise PreviewOutdated(change)
    if not change.changes_anything:
        return change
    if change.overwrites and not overwrite:
        raise OverwriteNeeded(
            N_(
                "%(count)s days already entered would be overwritten or removed. Nothing was changed: tick "
                "“Overwrite the days already entered” to go ahead."
            ),
            change,
            count=len(change.overwrites),
        )
    counts = change.counts
    for day_change in change.written:
        _write(day_change, actor, comment=source or None)
    audit.record(
        "calendar_year",
        year,
        "schedule_entered",
        actor,
        [(f"days_{kind}", None, counts[kind]) for kind in (rules.NEW, rules.OVERWRITE, rules.REMOVE) if counts[kind]],
        comment=source or None,
    )
    if complete and not change.complete_before:
        _mark_complete(year, source, actor)
    db.session.flush()
    _forget_calendar()
    log.info("schedule for %s entered by %s: %s", year, getattr(actor, "username", "system"), dict(counts))
    return change


def read_schedule_file(stream, filename: str) -> str:
    """An uploaded .xlsx or .csv of schedule rows (名称 | 开始日期 | 结束日期 | 休/班) as schedule lines, read with
    the ledger's bounded reader (its limits checked before the cells are)."""
    from casetrack.ledger.parsing import FileError, ReadLimits, read_file

    # The ledger's caps on the zip's parts, a schedule's own on its rows, columns and size.
    limits = dataclasses.replace(
        ReadLimits.from_config(current_app.config),
        rows=rules.MAX_SCHEDULE_LINES,
        columns=SCHEDULE_FILE_COLUMNS,
        bytes=SCHEDULE_FILE_BYTES,
    )
    suffix = Path(filename or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="casetrack-schedule-") as folder:
        path = Path(folder) / f"schedule{suffix}"
        with path.open("wb") as handle:
            while chunk := stream.read(64 * 1024):
                handle.write(chunk)
                if handle.tell() > SCHEDULE_FILE_BYTES:
                    break
        try:
            sheets = read_file(path, filename, limits)
        except FileError as error:
            raise DomainError(error.message, **error.params) from error
    return "\n".join(rules.lines_of_rows(sheet.header, [cells for _number, cells in sheet.rows]) for sheet in sheets)


def schedule_text(year: int) -> str:
    """The days entered for ``year`` as schedule lines, to correct and enter again."""
    return rules.schedule_lines(_entered(date(year - 1, 12, 1), date(year, 12, 31)))


# --- complete years --------------------------------------------------------------------------------------------


def _check_source(source: str) -> None:
    if not source:
        raise DomainError(N_("Say what the schedule was checked against, e.g. 国办发明电〔2026〕7号."))
    if len(source) > MAX_SOURCE:
        raise DomainError(N_("The source is longer than %(limit)s characters."), limit=MAX_SOURCE)


def _mark_complete(year: int, source: str, actor) -> None:
    row = db.session.get(CalendarYear, year)
    before = {"complete": row.complete, "source": row.source} if row else {"complete": False, "source": ""}
    if row is None:
        row = CalendarYear(year=year)
        db.session.add(row)
    row.complete, row.source = True, source
    row.completed_by_id, row.completed_at = getattr(actor, "id", None), local_now()
    audit.record("calendar_year", year, "completed", actor, audit.diff(before, {"complete": True, "source": source}))


def complete_year(year: int, source: str, actor) -> CalendarChange:
    """Mark a year's schedule as entered whole: from now on deadlines crossing into it are exact."""
    _check_admin(actor)
    _check_schedule_year(year)
    source = source.strip()
    _check_source(source)
    if _is_complete(year):
        raise DomainError(N_("%(year)s is already marked complete."), year=year)
    if not any(not is_workday for is_workday, _note in _entered(date(year, 1, 1), date(year, 12, 31)).values()):
        raise DomainError(N_("No days off are entered for %(year)s yet: enter its schedule first."), year=year)
    change = _assess(year, [], True)
    _mark_complete(year, source, actor)
    db.session.flush()
    _forget_calendar()
    return change


def reopen_year(year: int, actor) -> CalendarChange:
    """Take back a year's completion (its schedule turned out wrong or partial): its deadlines are estimates
    again until it is completed anew. The entered days stay."""
    _check_admin(actor)
    _check_year(year)
    if not _is_complete(year):
        raise DomainError(N_("%(year)s is not marked complete."), year=year)
    change = _assess(year, [], False)
    db.session.get(CalendarYear, year).complete = False
    audit.record("calendar_year", year, "reopened", actor, [("complete", True, False)])
    db.session.flush()
    _forget_calendar()
    return change


@dataclass(frozen=True)
class YearState:
    """What the calendar page says about one year."""

    year: int
    by_library: bool
    complete: bool
    days_off: int
    working_days: int
    source: str = ""
    completed_by: str | None = None
    completed_at: datetime | None = None
    missing_holidays: tuple[str, ...] = ()

    @property
    def known(self) -> bool:
        return self.by_library or self.complete


def year_states(today: date) -> list[YearState]:
    """This year, next year, and every year with days entered or a completion, newest first."""
    calendar = current_calendar()
    entered: dict[int, list[DayValue]] = {}
    for row in db.session.scalars(select(HolidayOverride)):
        entered.setdefault(row.day.year, []).append((row.is_workday, row.note))
    marked = {row.year: row for row in db.session.scalars(select(CalendarYear))}
    states = []
    for year in sorted({today.year, today.year + 1, *entered, *marked}, reverse=True):
        days, row = entered.get(year, []), marked.get(year)
        by_library = calendar.library_knows(year)
        states.append(
            YearState(
                year=year,
                by_library=by_library,
                complete=bool(row and row.complete),
                days_off=sum(not is_workday for is_workday, _note in days),
                working_days=sum(is_workday for is_workday, _note in days),
                source=row.source if row else "",
                completed_by=row.completed_by.label if row and row.completed_by else None,
                completed_at=row.completed_at if row else None,
                missing_holidays=()
                if by_library
                else tuple(rules.missing_holidays(note for is_workday, note in days if not is_workday)),
            )
        )
    return states
