from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db

suggestion_units = Table(
    "suggestion_units",
    db.metadata,
    Column("suggestion_id", Integer, ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", Integer, ForeignKey("units.id"), primary_key=True, index=True),
)
suggestion_cases = Table(
    "suggestion_cases",
    db.metadata,
    Column("suggestion_id", Integer, ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Suggestion(db.Model):
    """A 司法建议, 检察建议 or 复议意见书/建议书 addressed to one or more units, its reply and its rectification."""

    __tablename__ = "suggestions"
    __table_args__ = (
        # The same 文号 from the same body is the same document (the ledger matches on it).
        UniqueConstraint("issuer", "number", name="uq_suggestions_issuer_number"),
        Index("ix_suggestions_received", "received_on", "kind", "state"),
        Index("ix_suggestions_state_due", "state", "reply_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(80))
    #: suggestions.rules.TYPES
    kind: Mapped[str] = mapped_column(String(32))
    #: suggestions.rules.ISSUERS
    issuer_kind: Mapped[str] = mapped_column(String(16))
    #: The issuing body's name (XX区人民检察院).
    issuer: Mapped[str] = mapped_column(String(100))
    received_on: Mapped[date] = mapped_column(Date)
    reply_due_on: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, default="")
    hearing_id: Mapped[int | None] = mapped_column(ForeignKey("hearings.id", ondelete="SET NULL"))
    measures: Mapped[str] = mapped_column(Text, default="")
    replied_on: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    rectification_evidence: Mapped[str] = mapped_column(Text, default="")
    #: suggestions.rules.STATES
    state: Mapped[str] = mapped_column(String(24), default="received")
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    accepted_on: Mapped[date | None] = mapped_column(Date)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    units = relationship("Unit", secondary=suggestion_units, order_by="Unit.name")
    cases = relationship("Case", secondary=suggestion_cases, order_by="Case.number")
    hearing = relationship("Hearing")

    __mapper_args__ = {"version_id_col": version}

    @property
    def unit_ids(self) -> list[int]:
        return [unit.id for unit in self.units]
