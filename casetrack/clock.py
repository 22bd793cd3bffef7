"""The local date. Dates in casetrack are calendar dates in Asia/Shanghai, whatever the server's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return datetime.now(SHANGHAI).date()


def local_now() -> datetime:
    return datetime.now(SHANGHAI)
