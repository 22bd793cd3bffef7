"""Verbs on a record's file (卷宗): add documents, replace one with a new version, withdraw one. Every file is read
and checked — not empty, within the size limit, of a type taken by its content — before any is stored, so a refused
upload stores nothing; a stored blob whose request then rolls back is an orphan that ``flask files gc`` removes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import BinaryIO

from flask import current_app
from sqlalchemy.orm.attributes import flag_modified

from casetrack.accounts.permissions import can
from casetrack.audit import services as audit
from casetrack.documents import owners, rules
from casetrack.documents.models import Document, DocumentVersion
from casetrack.documents.storage import BlobTooLarge, blob_store
from casetrack.errors import DomainError, PermissionDenied, TooLarge, UnsupportedType
from casetrack.extensions import db
from casetrack.i18n import N_
from casetrack.unit_of_work import check_version, flush_or_conflict

logger = logging.getLogger(__name__)

_CONFLICT = N_("Someone else changed this document after you opened it. Reload the page and try again.")


@dataclass
class Upload:
    """One file as it arrived: its bytes (a seekable stream: werkzeug spools large uploads to disk) and the name
    the sender gave it, which is only ever shown."""

    stream: BinaryIO
    filename: str | None


@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    file_type: rules.FileType
    size: int
    display_name: str


def max_file_bytes() -> int:
    return int(current_app.config["CASETRACK_DOCUMENT_MAX_BYTES"])


def check_can_add(actor, kind: owners.OwnerKind, owner, capability: str = "upload_documents") -> None:
    if not can(actor, capability):
        raise PermissionDenied(N_("Your role may read this file but not add to it."))
    if not any(can(actor, capability, unit_id) for unit_id in kind.units_of(owner) or [None]):
        raise PermissionDenied(N_("You can only add to your own unit's files."))


def check_upload(upload: Upload) -> CheckedUpload:
    """Refuse what must not be stored: an empty file, one over the limit, one whose content is not a type taken."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    shown = (upload.filename or "").strip() or "?"
    if size == 0:
        raise DomainError(N_("%(name)s is empty: nothing was stored."), name=shown)
    limit = max_file_bytes()
    if size > limit:
        raise TooLarge(
            N_("%(name)s is %(size)s, over the limit of %(limit)s a file: nothing was stored."),
            name=shown,
            size=rules.megabytes(size),
            limit=rules.megabytes(limit),
        )
    file_type = rules.sniff(stream.read(rules.SNIFF_BYTES))
    stream.seek(0)
    if file_type is None:
        raise UnsupportedType(
            N_("%(name)s is not a file type taken (%(types)s), whatever its name says: nothing was stored."),
            name=shown,
            types=rules.accepted_type_labels(),
        )
    return CheckedUpload(upload, file_type, size, rules.display_name(upload.filename, file_type))


def _count_pages(path, file_type: rules.FileType) -> int | None:
    if file_type.content_type.startswith("image/"):
        return 1
    if file_type.content_type != "application/pdf" or path is None:
        return None
    try:
        from pypdf import PdfReader

        # An open file, not the path: given a path, pypdf reads the whole file into memory first.
        with open(path, "rb") as source:
            return len(PdfReader(source).pages)
    except Exception as error:  # a PDF pypdf cannot read still belongs in the file; its pages are just not known
        logger.info("could not count the pages of %s: %s", path, error)
        return None


def _store(checked: CheckedUpload, document: Document, number: int, actor) -> DocumentVersion:
    store = blob_store()
    checked.upload.stream.seek(0)
    try:
        blob = store.put(checked.upload.stream, max_bytes=max_file_bytes())
    except BlobTooLarge as error:
        raise TooLarge(
            N_("%(name)s is over the limit of %(limit)s a file: nothing was stored."),
            name=checked.display_name,
            limit=rules.megabytes(error.limit),
        ) from None
    version = DocumentVersion(
        document=document,
        number=number,
        sha256=blob.sha256,
        size=blob.size,
        content_type=checked.file_type.content_type,
        filename=checked.display_name,
        pages=_count_pages(store.local_path(blob.sha256), checked.file_type),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(version)
    return version


def add_documents(
    owner_type: str,
    owner,
    actor,
    *,
    uploads: list[Upload],
    category: str,
    title: str = "",
    dated_on: date | None = None,
    given_by: str = "",
    capability: str = "upload_documents",
) -> list[Document]:
    """Add one document per file to the owner's file, all with the same category, date and giver."""
    kind = owners.kind_of(owner_type)
    check_can_add(actor, kind, owner, capability)
    problems = rules.upload_problems(category, len(uploads))
    if problems:
        raise DomainError(problems[0])
    checked = [check_upload(upload) for upload in uploads]
    titles = rules.titles_for(title, [c.display_name for c in checked])
    documents = []
    for item, item_title in zip(checked, titles, strict=True):
        document = Document(
            owner_type=owner_type,
            owner_id=owner.id,
            category=category,
            title=item_title,
            dated_on=dated_on,
            given_by=given_by.strip()[:100] or None,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(document)
        _store(item, document, 1, actor)
        documents.append(document)
    db.session.flush()
    for document in documents:
        audit.record(
            kind.audit_entity,
            owner.id,
            "document_added",
            actor,
            [("document", None, f"{document.title} ({document.current.filename})")],
        )
    return documents


def add_generated_document(
    owner_type: str, owner, actor, *, content: BinaryIO, filename: str, category: str, title: str, dated_on=None
) -> Document:
    """Store a document the app made (a standard notice from its template) in the owner's file, checked like any
    upload."""
    (document,) = add_documents(
        owner_type,
        owner,
        actor,
        uploads=[Upload(content, filename)],
        category=category,
        title=title,
        dated_on=dated_on,
        given_by="casetrack",
    )
    return document


def _owner_for_write(document: Document, actor, capability: str):
    kind = owners.kind_of(document.owner_type)
    owner = kind.load_visible(actor, document.owner_id)
    check_can_add(actor, kind, owner, capability)
    return kind, owner


def replace_document(document: Document, actor, upload: Upload | None, expected_version=None) -> DocumentVersion:
    """A new version of the document; the earlier ones stay and can still be downloaded."""
    kind, owner = _owner_for_write(document, actor, "upload_documents")
    check_version(document, expected_version, _CONFLICT)
    if document.withdrawn:
        raise DomainError(N_("A withdrawn document cannot be replaced."))
    if upload is None:
        raise DomainError(N_("Choose the file of the new version."))
    checked = check_upload(upload)
    previous = document.current
    version = _store(checked, document, previous.number + 1, actor)
    # The row itself is written too, so its version column moves on and two replacements at once conflict.
    flag_modified(document, "title")
    flush_or_conflict(_CONFLICT)
    audit.record(
        kind.audit_entity,
        owner.id,
        "document_replaced",
        actor,
        [("document", f"{document.title} v{previous.number}", f"{document.title} v{version.number}")],
    )
    return version


def withdraw_document(document: Document, actor, reason: str, expected_version=None) -> Document:
    kind, owner = _owner_for_write(document, actor, "withdraw_documents")
    check_version(document, expected_version, _CONFLICT)
    problems = rules.withdrawal_problems(reason or "", document.withdrawn)
    if problems:
        raise DomainError(problems[0])
    document.withdrawn_at = datetime.now(UTC)
    document.withdrawn_by_id = getattr(actor, "id", None)
    document.withdrawal_reason = reason.strip()
    flush_or_conflict(_CONFLICT)
    audit.record(
        kind.audit_entity,
        owner.id,
        "document_withdrawn",
        actor,
        [("document", document.title, None)],
        comment=document.withdrawal_reason,
    )
    return document


@dataclass
class StoreReport:
    checked: int
    #: (key, what refers to it) of blobs the database names that are not in the store, or changed there.
    missing: list[tuple[str, str]]
    corrupt: list[tuple[str, str]]
    #: Keys in the store no row names: left by an upload whose request was refused after storing, or rolled back.
    orphans: list[str]

    @property
    def sound(self) -> bool:
        return not self.missing and not self.corrupt


def verify_store() -> StoreReport:
    """Read every stored blob the database names and check it against its hash; list the ones nothing names."""
    from casetrack.documents import queries

    store = blob_store()
    states: dict[str, str] = {}
    missing, corrupt = [], []
    rows = queries.referenced_rows()
    for key, referrer in rows:
        if key not in states:
            states[key] = store.check(key)
        if states[key] == "missing":
            missing.append((key, referrer))
        elif states[key] == "corrupt":
            corrupt.append((key, referrer))
    referenced = queries.referenced_keys()
    orphans = sorted(key for key in store.keys() if key not in referenced)
    return StoreReport(len(states), missing, corrupt, orphans)


def collect_garbage(older_than_seconds: float = 24 * 3600) -> list[str]:
    """Delete orphaned blobs (and interrupted uploads' temporary files) older than the given age. A younger orphan
    may belong to an upload whose request has not committed yet, so it is left for the next run."""
    from casetrack.documents import queries

    store = blob_store()
    referenced = queries.referenced_keys()
    removed = []
    for key in list(store.keys()):
        if key not in referenced and store.age_seconds(key) > older_than_seconds:
            store.delete(key)
            removed.append(key)
    for leftover in getattr(store, "stale_incoming", lambda _age: [])(older_than_seconds):
        leftover.unlink(missing_ok=True)
    if removed:
        logger.info("removed %d orphaned document blobs", len(removed))
    return removed
