from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.deliveries import DeliveryState
from casetrack.extensions import db


class SummarySend(DeliveryState, db.Model):
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
    #: Its states are deliveries.STATUSES.

    recipient = relationship("User")
