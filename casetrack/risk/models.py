from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class RiskSettings(db.Model):
    """One version of the scoring weights and threshold. Never edited: a change is a new version, so every score
    can say which settings produced it."""

    __tablename__ = "risk_settings"

    #: The version number.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: rule key → points (see risk.rules.DEFAULT_WEIGHTS).
    weights: Mapped[dict] = mapped_column(JSON)
    threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by = relationship("User")


class RiskScore(db.Model):
    """The latest score of an open case, with each rule's points."""

    __tablename__ = "risk_scores"
    __table_args__ = (Index("ix_risk_scores_score", "score"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    #: [{"rule": …, "points": …, "detail": …}]
    contributions: Mapped[list] = mapped_column(JSON)
    settings_version: Mapped[int] = mapped_column(ForeignKey("risk_settings.id"))
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RiskFlag(db.Model):
    """A staff flag on a case: procedural defect, evidence gap, media attention, or a hand flag for the queue."""

    __tablename__ = "risk_flags"
    __table_args__ = (UniqueConstraint("case_id", "flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: procedural_defect | evidence_gap | media_attention | hand
    flag: Mapped[str] = mapped_column(String(24))
    #: Why, in the words of whoever set it last; shown on the risk case.
    reason: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When it was last set: flagging again replaces the reason, and the page says whose reason it is and since when.
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    set_by = relationship("User", lazy="joined")


class RiskCase(db.Model):
    """A case in the high-risk workflow (高败诉风险案件 双专班"销号式"管理)."""

    __tablename__ = "risk_cases"
    __table_args__ = (Index("ix_risk_cases_state_entered", "state", "entered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    #: risk.rules.STATES
    state: Mapped[str] = mapped_column(String(24), default="pending_review")
    entered_on: Mapped[date] = mapped_column(Date)
    #: The score when it entered, or None when a person flagged it by hand.
    entry_score: Mapped[int | None] = mapped_column(Integer)
    hand_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    #: risk.rules.RESOLUTIONS, given with the cross-off request.
    resolution: Mapped[str | None] = mapped_column(String(24))
    crossed_off_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    case = relationship("Case", lazy="joined")
    members: Mapped[list[TaskForceMember]] = relationship(back_populates="risk_case", cascade="all, delete-orphan")
    items: Mapped[list[ActionItem]] = relationship(
        back_populates="risk_case", order_by="ActionItem.due_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class TaskForceMember(db.Model):
    """Someone on one side of the double task force (双专班)."""

    __tablename__ = "task_force_members"
    __table_args__ = (UniqueConstraint("risk_case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_case_id: Mapped[int] = mapped_column(ForeignKey("risk_cases.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: legal | unit
    side: Mapped[str] = mapped_column(String(8))
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)

    risk_case: Mapped[RiskCase] = relationship(back_populates="members")
    user = relationship("User", lazy="joined")


class ActionItem(db.Model):
    """A measure (措施) one side of the task force must carry out by a date."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_open_due", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_case_id: Mapped[int] = mapped_column(ForeignKey("risk_cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: legal | unit
    side: Mapped[str] = mapped_column(String(8))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    #: Set by the daily job the first day the item is found overdue (it then notifies the owner once).
    overdue_since: Mapped[date | None] = mapped_column(Date)

    risk_case: Mapped[RiskCase] = relationship(back_populates="items")
    owner = relationship("User", lazy="joined")
