from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.deliveries import DeliveryState
from casetrack.extensions import db


class Notification(db.Model):
    """An in-app reminder for one user. (user, event, day) is unique: a reminder is made once a day at most."""

    __tablename__ = "notifications"
    __table_args__ = (
        # Day first: the daily job asks for "today's" rows, and the history grows by ~55,000 rows a day at scale.
        UniqueConstraint("on_day", "user_id", "event_key", name="uq_notifications_day_user_event"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: case_deadline | hearing_principal | mediation_idle | case_suspended | …
    kind: Mapped[str] = mapped_column(String(32))
    #: What the reminder is about, e.g. "case-deadline:12:decision:2026-12-01"; with on_day, the dedup key.
    event_key: Mapped[str] = mapped_column(String(160))
    on_day: Mapped[date] = mapped_column(Date)
    #: msgid and its parameters, translated when shown so each reader gets their own language.
    message: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    url: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The digest e-mail that carries it; set once, when the day's digests are planned, so no two digests carry it.
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_digests.id", ondelete="SET NULL"), index=True)
    #: Set once the digest carrying it was accepted by the mail server.
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")


class ReminderDigest(DeliveryState, db.Model):
    """One person's reminder e-mail of one day: the notifications that point to it (deliveries: sent once, or left
    "unknown" for an administrator when a worker died mid-send)."""

    __tablename__ = "reminder_digests"
    __table_args__ = (Index("ix_reminder_digests_day_status", "day", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    recipient = relationship("User")

    @property
    def period(self) -> str:
        return self.day.isoformat()
