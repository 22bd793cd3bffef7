"""Which days the dashboard compares, and in which order a leader's units come. Pure."""

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


def overseen_first(rows: list, overseen_ids: set[int], unit_id_of, weight_of=lambda row: ()) -> list:
    """A 分管 leader's own units first, then the rest; within each, the heaviest first (``weight_of``: a tuple of
    numbers, compared in order), then as given."""
    return sorted(rows, key=lambda row: (unit_id_of(row) not in overseen_ids, tuple(-w for w in weight_of(row))))
