from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class Mediation(db.Model):
    """A dispute handled by the mediation center, before filing (诉前) or within a review or litigation case."""

    __tablename__ = "mediations"
    __table_args__ = (
        Index("ix_mediations_received", "received_on", "id"),
        Index("ix_mediations_status_activity", "status", "last_activity_on"),
        Index("ix_mediations_concluded", "concluded_on", "status"),
        Index("ix_mediations_mediator_status", "mediator_id", "status", "received_on"),
        Index("ix_mediations_unit_received", "respondent_unit_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: 编号, unique: the ledger matches on it.
    number: Mapped[str] = mapped_column(String(64), unique=True)
    #: The case it belongs to; empty for a pre-filing dispute.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    #: pre_filing | during_review | during_litigation | court_entrusted
    source: Mapped[str] = mapped_column(String(24), default="pre_filing")
    respondent_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The mediator in charge; reminders go to them.
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The other side(s): applicants, complainants.
    parties: Mapped[str] = mapped_column(Text, default="")
    #: What the dispute is about.
    subject: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    #: open | succeeded | failed | withdrawn
    status: Mapped[str] = mapped_column(String(16), default="open")
    concluded_on: Mapped[date | None] = mapped_column(Date)
    #: 调解协议 summary, required for a success.
    agreement_summary: Mapped[str | None] = mapped_column(Text)
    #: Date of the latest session (or receipt): an open mediation idle for 30 days is flagged.
    last_activity_on: Mapped[date] = mapped_column(Date)
    #: cases.rules.search_bigrams of number, parties and subject: two-character searches on PostgreSQL.
    search_grams: Mapped[list[str] | None] = mapped_column(ARRAY(Text).with_variant(JSON(), "sqlite"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case", lazy="joined")
    respondent_unit = relationship("Unit", lazy="joined")
    mediator = relationship("User", foreign_keys=[mediator_id], lazy="joined")
    sessions: Mapped[list[MediationSession]] = relationship(
        back_populates="mediation", order_by="MediationSession.held_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class MediationSession(db.Model):
    """One mediation session (调解会): when, who took part, what happened."""

    __tablename__ = "mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("mediations.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    mediation: Mapped[Mediation] = relationship(back_populates="sessions")
    recorded_by = relationship("User", lazy="joined")
