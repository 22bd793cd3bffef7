from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class AuditEntry(db.Model):
    """One changed field of one record (or one action on it): who, when, before → after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity", "entity_type", "entity_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Table-like name of the record: "case", "user", "unit", "holiday_override" …
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column()
    #: created | updated | a state transition name | imported …
    action: Mapped[str] = mapped_column(String(32))
    #: The field that changed; empty for whole-record actions.
    field: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    #: Where it came from: the client's address for a web request, "cli user@host" for a command, "job name" for a
    #: scheduled job — so an entry by the system (no actor) still says who ran what.
    source: Mapped[str | None] = mapped_column(String(160))
    #: Empty for system jobs and commands.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    actor = relationship("User", lazy="joined")
