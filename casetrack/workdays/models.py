from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from casetrack.extensions import db


class HolidayOverride(db.Model):
    """An admin's correction of the working-day calendar, e.g. the State Council's schedule for a year the
    holiday library does not know yet. An override wins over the library."""

    __tablename__ = "holiday_overrides"

    #: The calendar day being overridden.
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    #: True: a working day (调休 weekend worked); False: a day off (法定节假日).
    is_workday: Mapped[bool] = mapped_column(Boolean)
    #: e.g. "春节" — shown next to deadlines that it moves.
    note: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
