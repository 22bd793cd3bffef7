from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class CalendarYear(db.Model):
    """Whether a year's whole holiday schedule is entered. Days entered for a year are used as they come, but
    its deadlines count as exact only once an admin has checked the entries against the State Council notice
    and marked the year complete (workdays.rules.WorkCalendar.knows_year); a year the library knows needs no
    row. A row exists once a year has been marked complete, and stays when it is reopened."""

    __tablename__ = "calendar_years"

    #: The calendar year, e.g. 2027.
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: True once the whole schedule is entered and checked; deadlines crossing into the year are then exact.
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The admin who marked it complete (kept when reopened, with the audit trail saying who reopened it).
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: What the entries were checked against, e.g. 国办发明电〔2026〕7号.
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    completed_by = relationship("User", lazy="joined")
