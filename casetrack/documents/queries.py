from __future__ import annotations

from sqlalchemy import func, select

from casetrack.documents import owners, rules
from casetrack.documents.models import Document, DocumentVersion
from casetrack.errors import NotFound
from casetrack.extensions import db
from casetrack.i18n import N_

_CATEGORY_ORDER = {code: position for position, code in enumerate(rules.CATEGORIES)}

#: Columns that hold blob keys: a key none of them names is an orphan (``flask files verify`` / ``gc``). A package
#: that keeps blobs of its own appends its column.
BLOB_KEY_COLUMNS = [DocumentVersion.sha256]


def file_of(owner_type: str, owner_id: int, include_withdrawn: bool = False) -> list[Document]:
    """An owner's documents in the order a file is bound: by category, then the date on them, then as added."""
    stmt = select(Document).where(Document.owner_type == owner_type, Document.owner_id == owner_id)
    if not include_withdrawn:
        stmt = stmt.where(Document.withdrawn_at.is_(None))
    documents = list(db.session.scalars(stmt))
    return sorted(
        documents, key=lambda d: (_CATEGORY_ORDER.get(d.category, 99), d.dated_on or d.created_at.date(), d.id)
    )


def withdrawn_count(owner_type: str, owner_id: int) -> int:
    stmt = select(func.count(Document.id)).where(
        Document.owner_type == owner_type, Document.owner_id == owner_id, Document.withdrawn_at.is_not(None)
    )
    return db.session.scalar(stmt) or 0


def get_visible_document(actor, document_id: int) -> tuple[Document, object]:
    """The document and its owner, if the actor may see the owner: another unit's document is a 404 like its case."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound(N_("The page or record does not exist."))
    owner = owners.load_visible(document.owner_type, actor, document.owner_id)
    return document, owner


def version_of(document: Document, number: int | None) -> DocumentVersion:
    if number is None:
        return document.current
    for version in document.versions:
        if version.number == number:
            return version
    raise NotFound(N_("The page or record does not exist."))


def referenced_keys() -> set[str]:
    keys: set[str] = set()
    for column in BLOB_KEY_COLUMNS:
        keys.update(db.session.scalars(select(column).distinct()))
    return keys


def referenced_rows() -> list[tuple[str, str]]:
    """(key, what refers to it) for every stored version, for ``files verify``'s report."""
    stmt = select(DocumentVersion.sha256, DocumentVersion.document_id, DocumentVersion.number).order_by(
        DocumentVersion.id
    )
    return [(key, f"document {doc_id} v{number}") for key, doc_id, number in db.session.execute(stmt)]
