"""Time in casetrack, in one place.

An instant is stored aware and in UTC (``utc_now``). It is shown — pages, exports, mails, the Word report — and a
calendar date is taken, in the district's zone (``CASETRACK_TIMEZONE``, Asia/Shanghai) whatever the server's own
zone is, through ``local`` and the helpers built on it. SQLite hands back naive datetimes for timezone-aware
columns; they were written in UTC, and ``as_utc`` reads them so.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"

#: How a stored instant is shown on pages and in the reports: "2026-12-02 01:30".
MINUTE_FORMAT = "%Y-%m-%d %H:%M"


def zone() -> ZoneInfo:
    """The configured zone; outside an app (a pure test, a script) the default one."""
    name = current_app.config.get("CASETRACK_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)


def _system_now() -> datetime:
    return datetime.now(UTC)


#: Where this instant comes from; a test puts a fixed one here (tests/conftest.py, ``frozen_clock``).
source = _system_now


def utc_now() -> datetime:
    """This instant, aware, in UTC: what a timestamp column is given."""
    return source()


def as_utc(moment: datetime) -> datetime:
    """A stored instant, aware in UTC; a naive one (SQLite's) was written in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def local(moment: datetime) -> datetime:
    """A stored instant as the wall-clock time of the district."""
    return as_utc(moment).astimezone(zone())


def local_now() -> datetime:
    return local(utc_now())


def local_today() -> date:
    return local_now().date()


def local_date(moment: date | datetime) -> date:
    """The district's calendar day of an instant; a date is already one."""
    return local(moment).date() if isinstance(moment, datetime) else moment


def local_text(moment: datetime | None, pattern: str = MINUTE_FORMAT) -> str:
    """A stored instant as text in the district's time, "" for none."""
    return local(moment).strftime(pattern) if moment else ""
