"""The Chinese working-day calendar behind 行政复议法 Art. 88 ("三日、五日、七日、十日" are working days), and a year's
holiday schedule as the State Council publishes it (国务院办公厅关于某年部分节假日安排的通知), read from lines.

Pure: the holiday library's lookup is passed in, so tests can give any calendar.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from casetrack.i18n import N_

LibraryLookup = Callable[[date], bool]


class UnknownYear(Exception):
    pass


def chinese_calendar_lookup(day: date) -> bool:
    """The maintained holiday library (chinese-calendar); raises UnknownYear outside the years it knows."""
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError as exc:
        raise UnknownYear(day.year) from exc


class WorkCalendar:
    """Working days from: admin overrides, then the library, then — for a year nobody has entered yet —
    Monday to Friday. Years answered by that last fallback are remembered so the admin can be warned and
    deadlines marked as estimates."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        library: LibraryLookup | None = None,
        complete_years: Iterable[int] = (),
    ):
        self.overrides = dict(overrides or {})
        self.library = library
        #: Years whose whole schedule an admin has entered and marked complete (calendar_years).
        self.complete_years = frozenset(complete_years)
        self.fallback_years: set[int] = set()
        self._answers: dict[date, bool] = {}
        self._known_years: dict[int, bool] = {}

    def with_changes(self, days: Mapping[date, bool | None], complete_years: Iterable[int]) -> WorkCalendar:
        """This calendar as it would be with ``days`` set (None: the override removed) and ``complete_years``
        complete: what a preview compares against."""
        overrides = dict(self.overrides)
        for day, is_workday in days.items():
            if is_workday is None:
                overrides.pop(day, None)
            else:
                overrides[day] = is_workday
        return WorkCalendar(overrides, self.library, complete_years)

    def is_workday(self, day: date) -> bool:
        # Remembered per calendar: an import or the nightly job asks about the same few hundred days again and
        # again for a million cases.
        known = self._answers.get(day)
        if known is None:
            known = self._answers[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if self.library is not None:
            try:
                return self.library(day)
            except UnknownYear:
                pass
        if not self.knows_year(day.year):
            self.fallback_years.add(day.year)
        return day.weekday() < 5

    def knows_year(self, year: int) -> bool:
        """The one rule of whether a year's working days are known rather than guessed: the library knows the
        year, or an admin has entered its whole schedule and marked it complete. Days entered for a year not yet
        complete are used, but they are not enough: a schedule entered half-way (元旦 without 春节) would make
        deadlines look exact while they are not, so deadlines crossing into such a year stay estimates."""
        if year not in self._known_years:
            self._known_years[year] = year in self.complete_years or self.library_knows(year)
        return self._known_years[year]

    def library_knows(self, year: int) -> bool:
        if self.library is None:
            return False
        try:
            self.library(date(year, 1, 1))
        except UnknownYear:
            return False
        return True

    def add_working_days(self, start: date, days: int) -> date:
        """The last day of a period of ``days`` working days; the start day itself is not counted."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_workday(day):
                counted += 1
        return day

    def roll_forward(self, day: date) -> date:
        """A period whose last day is a day off ends on the next working day (民事诉讼法 Art. 85)."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_calendar_days(self, start: date, days: int) -> date:
        return self.roll_forward(start + timedelta(days=days))

    def add_months(self, start: date, months: int) -> date:
        month_index = start.month - 1 + months
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, _days_in_month(year, month))
        return self.roll_forward(date(year, month, day))

    def is_estimate(self, start: date, end: date) -> bool:
        return any(not self.knows_year(year) for year in range(start.year, end.year + 1))


def _days_in_month(year: int, month: int) -> int:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


# --- a year's schedule, entered at once ------------------------------------------------------------------------

#: The holidays of every State Council notice, with the words a note naming each may use: a year whose entered
#: days name none of one of them is probably not entered whole.
OFFICIAL_HOLIDAYS = (
    ("元旦", ("元旦",)),
    ("春节", ("春节",)),
    ("清明节", ("清明",)),
    ("劳动节", ("劳动", "五一")),
    ("端午节", ("端午",)),
    ("中秋节", ("中秋",)),
    ("国庆节", ("国庆",)),
)
#: The longest run of days off one line may give. The longest official holiday so far is nine days (春节 2026);
#: a longer range is a typo that would quietly take weeks out of every deadline.
MAX_HOLIDAY_DAYS = 14
#: Lines one schedule may have: a year has 366 days, a notice some twenty lines.
MAX_SCHEDULE_LINES = 400
#: What a 班 line without a name is noted as.
DEFAULT_WORKDAY_NOTE = "调休上班"
#: Matches the note column (holiday_overrides.note).
MAX_NOTE = 100
#: Years a schedule may be entered for: past what the library knows, and small enough for date arithmetic.
FIRST_YEAR, LAST_YEAR = 2004, 2100

_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_LINE = re.compile(
    rf"^(?P<name>.*?)[\s:：,，、]*(?P<start>{_DATE})"
    rf"(?:(?:\s*(?:至|到|~|～|—|–|-)\s*|[\s,，、]+)(?P<end>{_DATE}))?"
    r"[\s,，、]*(?P<kind>放假调休|调休上班|上班|放假|休息|休|班)$"
)
_DATE_ANYWHERE = re.compile(_DATE)
_OFF = ("放假调休", "放假", "休息", "休")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)[、.．]\s*")


_NOT_UNDERSTOOD = N_(
    "This line is not understood. Write the holiday's name, its first and last day and 休, e.g. "
    "春节 2027-02-05 至 2027-02-11 休; for a weekend day worked instead, the day and 班, e.g. 2027-02-14 班."
)
_OUTSIDE_YEAR = N_(
    "%(date)s is not in %(year)s; a schedule for %(year)s reaches back only into December %(previous)s, "
    "where 元旦's days off may start."
)
_TOO_LONG = N_("%(days)s days off in one go is longer than any official holiday (at most %(limit)s); check the dates.")
_WEEKDAY_WORKED = N_("%(date)s is a weekday and so a working day anyway; a 调休 working day is a Saturday or Sunday.")
_CONTRADICTS = N_("%(date)s is also on line %(other)s, as the opposite.")
_EMPTY = N_("The schedule is empty: write one line per holiday and per weekend day worked.")


@dataclass(frozen=True)
class ScheduleProblem:
    """Why one line (0: the schedule as a whole) is refused: ``reason`` is a msgid filled by ``params``."""

    line: int
    text: str
    reason: str
    params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class EnteredDay:
    day: date
    is_workday: bool
    note: str
    line: int


@dataclass(frozen=True)
class Schedule:
    year: int
    days: tuple[EnteredDay, ...]
    problems: tuple[ScheduleProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(line: int, text: str, reason: str, **params) -> ScheduleProblem:
    shown = text if len(text) <= 60 else text[:59] + "…"
    return ScheduleProblem(line, shown, reason, tuple(params.items()))


def _date(text: str) -> date | None:
    try:
        return date(*(int(part) for part in re.findall(r"\d+", text)))
    except ValueError:
        return None


def _belongs_to(day: date, year: int) -> bool:
    # 元旦's days off may start in the last days of December before (2019's began on 30 Dec 2018), so a year's
    # notice reaches back into the December before it, never further.
    return day.year == year or (day.year == year - 1 and day.month == 12)


def parse_schedule(text: str, year: int) -> Schedule:
    """Read a year's schedule, one line per holiday or worked weekend day:

        元旦 2027-01-01 至 2027-01-03 休
        春节 2027-02-05 至 2027-02-11 休
        2027-02-14 班

    Dates may also be written 2027/2/14 or 2027年2月14日; 放假 or 休息 for 休, 上班 for 班; a line starting with #
    is a comment. Every bad line is reported, with its number and text, and a schedule with any is not used."""
    problems: list[ScheduleProblem] = []
    days: dict[date, EnteredDay] = {}
    lines = text.replace("\u3000", " ").splitlines()
    if len(lines) > MAX_SCHEDULE_LINES:
        return Schedule(
            year, (), (_problem(0, "", N_("The schedule has more than %(limit)s lines."), limit=MAX_SCHEDULE_LINES),)
        )
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            problems.append(_problem(number, line, _NOT_UNDERSTOOD))
            continue
        start, end = _date(match["start"]), _date(match["end"] or match["start"])
        bad = next(
            (part for part, value in ((match["start"], start), (match["end"], end)) if part and value is None), None
        )
        if bad is not None:
            problems.append(_problem(number, line, N_("%(value)s is not a date."), value=bad.strip()))
            continue
        outside = next((day for day in (start, end) if not _belongs_to(day, year)), None)
        if outside is not None:
            problems.append(
                _problem(number, line, _OUTSIDE_YEAR, date=outside.isoformat(), year=year, previous=year - 1)
            )
            continue
        if end < start:
            problems.append(_problem(number, line, N_("The last day is before the first.")))
            continue
        length = (end - start).days + 1
        is_workday = match["kind"] not in _OFF
        name = _NUMBERING.sub("", match["name"].strip(" \t:：,，、;；")).strip()
        if not is_workday and length > MAX_HOLIDAY_DAYS:
            problems.append(_problem(number, line, _TOO_LONG, days=length, limit=MAX_HOLIDAY_DAYS))
            continue
        if not is_workday and not name:
            problems.append(_problem(number, line, N_("Name the holiday, e.g. 春节 2027-02-05 至 2027-02-11 休.")))
            continue
        if len(name) > MAX_NOTE:
            problems.append(_problem(number, line, N_("The name is longer than %(limit)s characters."), limit=MAX_NOTE))
            continue
        note = name or DEFAULT_WORKDAY_NOTE
        for offset in range(length):
            day = start + timedelta(days=offset)
            if is_workday and day.weekday() < 5:
                problems.append(_problem(number, line, _WEEKDAY_WORKED, date=day.isoformat()))
                break
            earlier = days.get(day)
            if earlier is not None and earlier.is_workday != is_workday:
                problems.append(_problem(number, line, _CONTRADICTS, date=day.isoformat(), other=earlier.line))
                break
            # A day two lines give the same meaning (中秋 inside 国庆) keeps the first line's name.
            days.setdefault(day, EnteredDay(day, is_workday, note, number))
    if not days and not problems:
        problems.append(_problem(0, "", _EMPTY))
    entered = tuple(sorted(days.values(), key=lambda d: d.day)) if not problems else ()
    return Schedule(year, entered, tuple(problems))


def line_of_cells(cells: Iterable) -> str:
    """A spreadsheet row (名称 | 开始日期 | 结束日期 | 休/班) as one schedule line: dates as 2027-02-05, no blanks."""
    parts = []
    for cell in cells:
        if isinstance(cell, datetime):
            cell = cell.date()
        if isinstance(cell, date):
            parts.append(cell.isoformat())
        elif cell is not None and str(cell).strip():
            parts.append(str(cell).strip())
    return " ".join(parts)


def lines_of_rows(header: list, rows: Iterable[list]) -> str:
    """A sheet as schedule lines; its first row is a header unless it holds a date (a sheet without one)."""
    first = line_of_cells(header)
    lines = [first] if _DATE_ANYWHERE.search(first) else []
    lines += [line_of_cells(cells) for cells in rows]
    return "\n".join(line for line in lines if line)


def schedule_lines(days: Mapping[date, tuple[bool, str]]) -> str:
    """Entered days as schedule lines, what parse_schedule reads: consecutive days of one name and kind make one
    range, so a year entered earlier can be corrected and entered again."""
    lines: list[str] = []
    run: list[date] = []
    for day in sorted(days):
        if run and day == run[-1] + timedelta(days=1) and days[day] == days[run[0]]:
            run.append(day)
            continue
        if run:
            lines.append(_schedule_line(run, days[run[0]]))
        run = [day]
    if run:
        lines.append(_schedule_line(run, days[run[0]]))
    return "\n".join(lines)


def _schedule_line(run: list[date], value: tuple[bool, str]) -> str:
    is_workday, note = value
    span = run[0].isoformat() if len(run) == 1 else f"{run[0].isoformat()} 至 {run[-1].isoformat()}"
    name = "" if is_workday and note == DEFAULT_WORKDAY_NOTE else note
    return f"{name} {span} {'班' if is_workday else '休'}".strip()


def missing_holidays(notes: Iterable[str]) -> list[str]:
    """The official holidays none of ``notes`` names: a year lacking one is probably not entered whole."""
    text = " ".join(notes)
    return [name for name, words in OFFICIAL_HOLIDAYS if not any(word in text for word in words)]


# --- what entering days changes ------------------------------------------------------------------------------

#: (is_workday, note) of a day, as entered.
DayValue = tuple[bool, str]

NEW, OVERWRITE, UNCHANGED, REMOVE = "new", "overwrite", "unchanged", "remove"
#: How the audit trail names a day's override and a year's schedule.
AUDIT_FIELDS = {
    "holiday_override": {"is_workday": N_("Working day"), "note": N_("Note")},
    "calendar_year": {
        "complete": N_("Schedule complete"),
        "source": N_("Source of the schedule"),
        f"days_{NEW}": N_("Days added"),
        f"days_{OVERWRITE}": N_("Days overwritten"),
        f"days_{REMOVE}": N_("Days removed"),
    },
}
AUDIT_VALUES: dict = {}
CHANGE_LABELS = {NEW: N_("new"), OVERWRITE: N_("overwrites"), UNCHANGED: N_("unchanged"), REMOVE: N_("removed")}


@dataclass(frozen=True)
class DayChange:
    """One day of the calendar before and after an entry; None: no override for the day (the library or the
    weekend decides)."""

    day: date
    before: DayValue | None
    after: DayValue | None
    line: int | None = None

    @property
    def kind(self) -> str:
        if self.before is None:
            return NEW
        if self.after is None:
            return REMOVE
        return UNCHANGED if self.before == self.after else OVERWRITE

    @property
    def replaces_an_entry(self) -> bool:
        """An entered day this change overwrites or removes: asked about before it is done."""
        return self.kind in (OVERWRITE, REMOVE)


def plan_schedule(
    schedule: Schedule, existing: Mapping[date, DayValue], remove_others: bool = False
) -> list[DayChange]:
    """Each entered day against what is entered now; with ``remove_others``, the year's entered days the schedule
    does not list are removed (the notice is the whole truth about the year)."""
    entered = {d.day for d in schedule.days}
    changes = [DayChange(d.day, existing.get(d.day), (d.is_workday, d.note), d.line) for d in schedule.days]
    if remove_others:
        changes += [
            DayChange(day, value, None)
            for day, value in existing.items()
            if day.year == schedule.year and day not in entered
        ]
    return sorted(changes, key=lambda change: change.day)


def plan_digest(changes: Iterable[DayChange], complete: bool) -> str:
    """A fingerprint of a plan, before and after: a confirmation applies exactly what was previewed, or nothing
    when the calendar changed meanwhile."""
    text = "|".join(f"{c.day.isoformat()}:{c.before}:{c.after}" for c in changes) + f"|complete={complete}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]
