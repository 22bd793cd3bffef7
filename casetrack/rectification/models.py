from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class RectificationItem(db.Model):
    """What a unit must do after a review corrected its act or a court found against it: redo the act, perform,
    compensate, or mend the rule that let it happen."""

    __tablename__ = "rectification_items"
    __table_args__ = (
        # One item per case and kind of work: the outcome's follow-up is created once, however often it is checked.
        UniqueConstraint("case_id", "action", name="uq_rectification_items_case_action"),
        Index("ix_rectification_items_state_due", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: rectification.rules.ACTIONS
    action: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: open | done | cancelled (the outcome it followed no longer stands)
    state: Mapped[str] = mapped_column(String(16), default="open")
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    case = relationship("Case")
    unit = relationship("Unit")
    owner = relationship("User")

    __mapper_args__ = {"version_id_col": version}


class AdverseReason(db.Model):
    """One entry of the legal bureau's list of reasons a case is lost or corrected (类案分析)."""

    __tablename__ = "adverse_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable: the built-in reasons' codes are the figure registry's (stats.figures); one added later gets its own.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: The Chinese name (the built-in ones are also translated by their msgid: rectification.rules.REASONS).
    label: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CaseAdverseReason(db.Model):
    """A reason the legal bureau coded on a corrected or lost case; 其他 keeps its words."""

    __tablename__ = "case_adverse_reasons"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    reason_id: Mapped[int] = mapped_column(ForeignKey("adverse_reasons.id"), primary_key=True, index=True)
    words: Mapped[str] = mapped_column(Text, default="")
    coded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    coded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    reason = relationship("AdverseReason", lazy="joined")
