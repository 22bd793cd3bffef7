from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class Hearing(db.Model):
    """A court hearing (庭审) of a litigation case, with the record of whether the respondent's head appeared."""

    __tablename__ = "hearings"
    __table_args__ = (Index("ix_hearings_held_case", "held_on", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: 开庭日期
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    court: Mapped[str] = mapped_column(String(100), default="")
    courtroom: Mapped[str] = mapped_column(String(50), default="")
    #: The head the unit names in advance, and who appeared afterwards (same fields: usually the same person).
    principal_name: Mapped[str | None] = mapped_column(String(50))
    #: main | deputy | other (主要负责人/分管负责人/其他负责人)
    principal_title: Mapped[str | None] = mapped_column(String(16))
    principal_named_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: 出庭: None until recorded after the hearing.
    appeared: Mapped[bool | None] = mapped_column(Boolean)
    #: 出声: the head spoke in court.
    spoke: Mapped[bool | None] = mapped_column(Boolean)
    #: Why no head appeared; needs the legal bureau's approval.
    absence_reason: Mapped[str | None] = mapped_column(Text)
    absence_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    absence_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    case = relationship("Case", lazy="joined")
    absence_approved_by = relationship("User")
    #: The co-defendants' appearance records; the main respondent's is this hearing's own fields.
    co_appearances: Mapped[list[HearingAppearance]] = relationship(
        back_populates="hearing", order_by="HearingAppearance.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def absence_approved(self) -> bool:
        return self.absence_approved_by_id is not None


class HearingAppearance(db.Model):
    """The appearance record of a co-defendant unit (共同被告) at a hearing: each respondent unit's head answers for
    it in court. The main respondent's record is the hearing's own fields, so a case with one respondent is as
    before."""

    __tablename__ = "hearing_appearances"
    __table_args__ = (UniqueConstraint("hearing_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The head the unit names, and who appeared (see Hearing).
    principal_name: Mapped[str | None] = mapped_column(String(50))
    #: main | deputy | other
    principal_title: Mapped[str | None] = mapped_column(String(16))
    principal_named_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: 出庭: None until recorded after the hearing.
    appeared: Mapped[bool | None] = mapped_column(Boolean)
    #: 出声
    spoke: Mapped[bool | None] = mapped_column(Boolean)
    #: Why no head appeared; needs the legal bureau's approval.
    absence_reason: Mapped[str | None] = mapped_column(Text)
    absence_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    absence_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    hearing: Mapped[Hearing] = relationship(back_populates="co_appearances")
    unit = relationship("Unit", lazy="joined")

    @property
    def absence_approved(self) -> bool:
        return self.absence_approved_by_id is not None
