from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.documents.queries import BLOB_KEY_COLUMNS
from casetrack.extensions import db


class EvidenceItem(db.Model):
    """One line of the 证据目录 a respondent files with its answer or defence, in the order it is bound."""

    __tablename__ = "evidence_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: 1, 2, 3…: the item's number in the list.
    position: Mapped[int] = mapped_column(Integer)
    #: 证据名称
    name: Mapped[str] = mapped_column(String(200))
    #: 证据来源: where it comes from (the unit's own file, a third party, the site…).
    source: Mapped[str] = mapped_column(String(200), default="")
    #: 证明目的: what it proves.
    proves: Mapped[str] = mapped_column(Text, default="")
    #: Pages typed by hand; without them, those of the linked document where known.
    pages: Mapped[int | None] = mapped_column(Integer)
    #: The document of the case's file that is this evidence, if it was uploaded.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    document = relationship("Document")

    @property
    def shown_pages(self) -> int | None:
        if self.pages:
            return self.pages
        return self.document.current.pages if self.document is not None else None


class ServiceRecord(db.Model):
    """A document served (送达) on or by the office: to or from whom, how, when, with its proof — and the case date
    it starts, where a statutory period runs from it."""

    __tablename__ = "service_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: sent | received (case_file.rules.SERVICE_DIRECTIONS)
    direction: Mapped[str] = mapped_column(String(16))
    #: What was served: 申请书副本, 答复通知书, 判决书…
    what: Mapped[str] = mapped_column(String(200))
    #: The served document in the case's file, where it is there.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    #: To whom (sent) or from whom (received).
    party: Mapped[str] = mapped_column(String(200))
    #: A code of case_file.rules.SERVICE_METHODS.
    method: Mapped[str] = mapped_column(String(16))
    #: The day of service; for 公告送达 the day the notice was published (deemed served 30 days later).
    served_on: Mapped[date] = mapped_column(Date)
    #: The 送达回证, postal receipt or screenshot in the case's file.
    proof_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))
    #: The case date this service set (a key of the kind's service_starts), if any.
    starts: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    #: Struck out (entered by mistake): kept with the reason, no longer listed as a service.
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    document = relationship("Document", foreign_keys=[document_id])
    proof = relationship("Document", foreign_keys=[proof_document_id])


class DocumentTemplate(db.Model):
    """An administrator's replacement for a standard document's template; the newest row of a code is the one in
    use, earlier rows are its history, and none means the template shipped with the app."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A code of case_file.rules.STANDARD_DOCUMENTS.
    code: Mapped[str] = mapped_column(String(32), index=True)
    #: The .docx in the blob store; None for a row that went back to the shipped template.
    sha256: Mapped[str | None] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    uploaded_by = relationship("User")


BLOB_KEY_COLUMNS.append(DocumentTemplate.sha256)
