"""Which days the dashboard compares. Pure."""

from __future__ import annotations

from datetime import date

from casetrack.stats import rules as stats_rules


def compared_days(year: int, today: date) -> tuple[date, date, date, date, int]:
    """(start, end, previous start, previous end, months in the trend) for a year on the dashboard.

    A past year is compared whole with the year before. The running year is compared up to today with the same
    days a year earlier: against the whole of last year, a March dashboard would show every count down by ~80%.
    """
    if year > today.year:
        raise ValueError(f"{year} has not begun")
    start, end, previous_start, previous_end = stats_rules.compared_days(year, None, today)
    return start, end, previous_start, previous_end, end.month
