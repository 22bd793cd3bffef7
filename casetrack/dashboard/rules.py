"""Which days the dashboard compares. Pure."""

from __future__ import annotations

from datetime import date

#: The first year the year filter offers; older ledgers were never imported.
FIRST_YEAR = 2000


def compared_days(year: int, today: date) -> tuple[date, date, date, date, int]:
    """(start, end, previous start, previous end, months in the trend) for a year on the dashboard.

    A past year is compared whole with the year before. The running year is compared up to today with the same
    days a year earlier: against the whole of last year, a March dashboard would show every count down by ~80%.
    """
    if year > today.year:
        raise ValueError(f"{year} has not begun")
    if year < today.year:
        return date(year, 1, 1), date(year, 12, 31), date(year - 1, 1, 1), date(year - 1, 12, 31), 12
    try:
        previous_end = today.replace(year=year - 1)
    except ValueError:  # 29 February has no twin a year earlier; the 28th closes the same stretch of days.
        previous_end = date(year - 1, 2, 28)
    return date(year, 1, 1), today, date(year - 1, 1, 1), previous_end, today.month
