from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, SmallInteger, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class StoredReport(db.Model):
    """A built annual report kept for download (the 5 January job, or a manual rebuild that replaces it)."""

    __tablename__ = "stored_reports"
    __table_args__ = (UniqueConstraint("year", "format", name="uq_stored_reports_year_format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    #: docx | md | json
    format: Mapped[str] = mapped_column(String(8))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: NULL when the scheduled job built it.
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    generated_by = relationship("User")
