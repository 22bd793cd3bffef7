"""The Chinese working-day calendar behind 行政复议法 Art. 88 ("三日、五日、七日、十日" are working days).

Pure: the holiday library's lookup is passed in, so tests can give any calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta

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
