from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class AuditEntry(db.Model):
    """One changed field of one record (or one action on it): who, when, before → after."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_entity", "entity_type", "entity_id", "id"),
        Index("ix_audit_entries_batch", "batch", postgresql_where="seq IS NULL", sqlite_where="seq IS NULL"),
        Index("ix_audit_entries_at", "at"),
        UniqueConstraint("seq", name="uq_audit_entries_seq"),
    )

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

    #: The entry's place in the hash chain, given when its transaction commits (audit.services.seal); the hash of the
    #: entry before it and its own ("sha256:…" or "sm3:…", audit.rules.entry_digest).
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(80))
    entry_hash: Mapped[str | None] = mapped_column(String(80))
    #: The writing transaction's mark until the entry is sealed: a commit seals its own entries and no one else's,
    #: so a row slipped in past the application stays outside the chain and `audit verify` names it.
    batch: Mapped[str | None] = mapped_column(String(32))

    actor = relationship("User", lazy="joined")


class AuditPurge(db.Model):
    """Entries older than the retention period were removed (`flask audit purge`): the chain now starts after
    ``up_to_seq``, whose hash is kept here so the first remaining entry can still be checked."""

    __tablename__ = "audit_purges"

    id: Mapped[int] = mapped_column(primary_key=True)
    up_to_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(80))
    removed: Mapped[int] = mapped_column(BigInteger)
    before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
