from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class LedgerImport(db.Model):
    """A large ledger file checked and imported by the worker instead of inside a request (ledger.background),
    so its uploader watches the progress instead of waiting for a page that times out."""

    __tablename__ = "ledger_imports"
    __table_args__ = (Index("ix_ledger_imports_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: The file in instance/uploads, named as the upload view names it.
    stored_name: Mapped[str] = mapped_column(String(64))
    #: The name it had on the uploader's computer: what every message calls it.
    original_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    #: checking → checked (waiting for "import now") | rejected (bad rows) | failed; importing → imported |
    #: rejected (the database changed since the check) | failed.
    state: Mapped[str] = mapped_column(String(12), default="checking")
    #: The check's or the import's ImportReport, as JSON (ledger.background.report_of reads it back).
    report: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User")
