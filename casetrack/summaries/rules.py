"""Which period a leaders' summary covers, and when a failed send is tried again. Pure."""

from __future__ import annotations

from datetime import date, timedelta

KINDS = ("monthly", "risk_digest")


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def parse_month_key(key: str) -> tuple[int, int]:
    year, month = key.split("-")
    return int(year), int(month)


def week_key(day: date) -> str:
    """ISO week: the digest sent on Monday 2026-11-30 is "2026-W49"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_days(key: str) -> tuple[int, int, date, date]:
    """(ISO year, week, its Monday, its Sunday) of a week_key: "2026-W49" is 30 November to 6 December 2026."""
    year, week = key.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return int(year), int(week), monday, monday + timedelta(days=6)
