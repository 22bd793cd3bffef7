from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
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


class SummaryTarget(db.Model):
    """A group that receives the summaries as a robot's Markdown message: a DingTalk (浙政钉, 专有钉钉) custom robot
    with 加签, or a 企业微信 group robot. The webhook (its access token or key is in the URL) and the signing secret
    are kept encrypted (summaries.sealed) and never shown again after entry."""

    __tablename__ = "summary_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: summaries.rules.TARGET_KINDS
    kind: Mapped[str] = mapped_column(String(16))
    #: The webhook's host, kept in clear so the page can say where the messages go without showing the token.
    host: Mapped[str] = mapped_column(String(255))
    webhook_sealed: Mapped[str] = mapped_column(Text)
    secret_sealed: Mapped[str | None] = mapped_column(Text)
    #: Comma-separated summaries.rules.KINDS it receives.
    summaries: Mapped[str] = mapped_column(String(64), default="monthly,risk_digest")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in self.summaries.split(",") if kind]

    @property
    def label(self) -> str:
        return self.name


class TargetSend(DeliveryState, db.Model):
    """One group's copy of one scheduled summary, delivered exactly once as the mails are (deliveries). ``email``
    holds where it went: the target's name and host."""

    __tablename__ = "target_sends"
    __table_args__ = (
        UniqueConstraint("kind", "period", "target_id", name="uq_target_sends_kind_period_target"),
        Index("ix_target_sends_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int] = mapped_column(ForeignKey("summary_targets.id", ondelete="CASCADE"))

    target = relationship("SummaryTarget")

    @property
    def recipient(self):
        """Who received it, as the table of copies names a recipient: the group."""
        return self.target
