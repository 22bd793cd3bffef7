from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class Document(db.Model):
    """One document of a record's file (卷宗): a case, a mediation, a risk case or an interview. Its bytes are its
    versions; a document is never deleted, only withdrawn — hidden from the file with the reason, and audited."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the document belongs to: a code of documents.owners (case, mediation, risk_case, interview) and its id.
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    #: A code of documents.rules.CATEGORIES.
    category: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(200))
    #: The date written on the document (落款日期), where it has one.
    dated_on: Mapped[date | None] = mapped_column(Date)
    #: Who gave the document to the office (提交人/来源): the applicant, the respondent unit, the court…
    given_by: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Set when withdrawn: the document stays, hidden from the file, with who withdrew it and why.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    versions = relationship(
        "DocumentVersion",
        order_by="DocumentVersion.number",
        back_populates="document",
        cascade="all, delete-orphan",
        lazy="selectin",
    )
    created_by = relationship("User", foreign_keys=[created_by_id])
    withdrawn_by = relationship("User", foreign_keys=[withdrawn_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def current(self) -> DocumentVersion:
        return self.versions[-1]

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DocumentVersion(db.Model):
    """The bytes of one version of a document, by the SHA-256 key of the blob store; replacing a document adds a
    version and keeps the earlier ones."""

    __tablename__ = "document_versions"
    __table_args__ = (Index("uq_document_versions_number", "document_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    #: 1 for the first upload, then 2, 3… for each replacement.
    number: Mapped[int] = mapped_column(Integer)
    #: The blob's key in the store: the SHA-256 of its content, checked again whenever it is read.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: Sniffed from the content (documents.rules.FILE_TYPES), never taken from the browser.
    content_type: Mapped[str] = mapped_column(String(100))
    #: The uploaded name made safe (documents.rules.display_name): shown and offered for download, never a path.
    filename: Mapped[str] = mapped_column(String(200))
    #: Pages where they can be read off the file (a PDF's page count; 1 for a picture); None otherwise.
    pages: Mapped[int | None] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    document = relationship("Document", back_populates="versions")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
