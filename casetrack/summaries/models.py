from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class SummarySend(db.Model):
    """One leader's copy of one scheduled summary. (kind, period, recipient) is unique, and a row once "sent" is
    never sent again: that is what keeps a retried job from mailing anyone twice."""

    __tablename__ = "summary_sends"
    __table_args__ = (
        UniqueConstraint("kind", "period", "recipient_id", name="uq_summary_sends_kind_period_recipient"),
        Index("ix_summary_sends_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: monthly (the month's figures, Word report attached) | risk_digest (Mondays)
    kind: Mapped[str] = mapped_column(String(16))
    #: "2026-10" for a monthly summary, "2026-W48" (ISO week) for a risk digest.
    period: Mapped[str] = mapped_column(String(16))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The address used, kept as it was at the time of sending.
    email: Mapped[str] = mapped_column(String(254))
    #: pending → sending → sent; or failed (retried with back-off until attempts run out); or unknown: a worker
    #: died while talking to the mail server, so the copy may have arrived — an administrator decides to resend.
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When the last attempt began; a copy still "sending" long after this was interrupted.
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recipient = relationship("User")
