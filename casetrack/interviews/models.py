from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db

interview_cases = Table(
    "interview_cases",
    db.metadata,
    Column("interview_id", Integer, ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
)


class Interview(db.Model):
    """约谈: a district leader interviews the head of a unit about lost cases, overdue items or low appearance."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    #: The district leader who held it (free text: leaders need no account).
    leader_name: Mapped[str] = mapped_column(String(50))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    interviewee: Mapped[str] = mapped_column(String(50))
    #: risk.rules.INTERVIEW_REASONS
    reason: Mapped[str] = mapped_column(String(24))
    rectification_required: Mapped[str] = mapped_column(Text, default="")
    rectified_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    unit = relationship("Unit", lazy="joined")
    cases = relationship("Case", secondary=interview_cases)


class InterviewDecision(db.Model):
    """A leader's decision on an interview proposal: agreed (同意约谈) or declined for now (暂不约谈) with a reason,
    with the proposal's grounds as they were (interviews.rules.still_declined reads them)."""

    __tablename__ = "interview_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    #: The proposal's start (Proposal.since) when it was decided.
    since: Mapped[date] = mapped_column(Date)
    #: interviews.rules.DECISIONS
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    lost_cases: Mapped[int] = mapped_column(Integer, default=0)
    overdue_items: Mapped[int] = mapped_column(Integer, default=0)
    overdue_replies: Mapped[int] = mapped_column(Integer, default=0)
    overdue_rectification: Mapped[int] = mapped_column(Integer, default=0)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    decided_by = relationship("User", lazy="joined")
