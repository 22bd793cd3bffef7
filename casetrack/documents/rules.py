"""What a document of the case file is: its categories, the file types taken (by their content, never by the name
they came with), how an uploaded name is made safe to show, and the ZIP's table of contents."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

from casetrack.i18n import N_

#: 卷宗 categories, in the order a file is bound (the application first, proofs of service last).
CATEGORIES: dict[str, str] = {
    "application": N_("Application / complaint (申请书/起诉状)"),
    "answer": N_("Answer / defence (答复书/答辩状)"),
    "evidence": N_("Evidence (证据)"),
    "legal_basis": N_("Legal basis (依据)"),
    "notice": N_("Notice (通知书)"),
    "court_summons": N_("Court summons to appear (出庭通知书)"),
    "decision": N_("Decision / judgment / ruling (决定书/判决书/裁定书)"),
    "service_proof": N_("Proof of service (送达回证)"),
    "mediation_agreement": N_("Mediation agreement (调解协议)"),
    "other": N_("Other (其他)"),
}


#: The audit trail's words for a document's entries, on each record that has a file.
AUDIT_FIELDS = {owner: {"document": N_("Document")} for owner in ("case", "mediation", "risk_case", "interview")}
AUDIT_VALUES: dict = {}


@dataclass(frozen=True)
class FileType:
    #: The media type the file is served with: the sniffed one, never what the browser sent.
    content_type: str
    extension: str
    label: str
    #: Shown in the browser (PDF, pictures); anything else is only downloaded.
    previewable: bool


#: The types taken, keyed by the media type ``filetype`` reads from the first bytes. Nothing that runs (HTML, SVG,
#: scripts, executables) is here, so nothing served back can run on the app's origin.
FILE_TYPES: dict[str, FileType] = {
    t.content_type: t
    for t in (
        FileType("application/pdf", "pdf", "PDF", True),
        FileType("image/jpeg", "jpg", "JPEG", True),
        FileType("image/png", "png", "PNG", True),
        FileType("image/gif", "gif", "GIF", True),
        FileType("image/tiff", "tif", "TIFF", False),
        FileType("image/bmp", "bmp", "BMP", True),
        FileType("application/msword", "doc", "Word 97–2003", False),
        FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word", False),
        FileType("application/vnd.ms-excel", "xls", "Excel 97–2003", False),
        FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel", False),
        FileType("application/vnd.oasis.opendocument.text", "odt", "ODF", False),
        FileType("application/zip", "zip", "ZIP", False),
    )
}

#: Bytes ``filetype`` needs to recognise any type above (its own limit).
SNIFF_BYTES = 8192

DISPLAY_NAME_MAX = 200
TITLE_MAX = 200


def sniff(head: bytes) -> FileType | None:
    """The accepted type these first bytes are, or None for anything else (an executable named .pdf included)."""
    kind = filetype.guess(head)
    return FILE_TYPES.get(kind.mime) if kind else None


def accepted_type_labels() -> str:
    return "、".join(dict.fromkeys(t.label for t in FILE_TYPES.values()))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(uploaded: str | None, file_type: FileType) -> str:
    """The name a file is listed and downloaded under: the uploaded name without any folder, control or
    direction-changing characters, dots or spaces at its ends, and with the extension of what it really is.
    It is only ever shown: storage is by content hash."""
    name = unicodedata.normalize("NFC", uploaded or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub("", name).strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    stem = stem.replace("..", ".")[: DISPLAY_NAME_MAX - len(file_type.extension) - 1] or "文件"
    return f"{stem}.{file_type.extension}"


def title_from(name: str) -> str:
    return name.rsplit(".", 1)[0][:TITLE_MAX]


def titles_for(title: str, names: list[str]) -> list[str]:
    """Titles of files uploaded together: the one typed (numbered when it names several), or each file's name."""
    title = _CONTROL.sub("", title or "").strip()[:TITLE_MAX]
    if not title:
        return [title_from(name) for name in names]
    if len(names) == 1:
        return [title]
    return [f"{title}（{i}/{len(names)}）" for i in range(1, len(names) + 1)]


def upload_problems(category: str, file_count: int) -> list[str]:
    problems = []
    if category not in CATEGORIES:
        problems.append(N_("Choose the document's category."))
    if file_count == 0:
        problems.append(N_("Choose the file to upload."))
    return problems


def withdrawal_problems(reason: str, already_withdrawn: bool) -> list[str]:
    if already_withdrawn:
        return [N_("This document was already withdrawn.")]
    if not reason.strip():
        return [N_("Give the reason the document is withdrawn: it stays in the file, hidden, with that reason.")]
    return []


def archive_entry_name(position: int, category_label: str, title: str, extension: str) -> str:
    """A file's name inside the 卷宗 ZIP: its number in the table of contents first, so the entries sort as bound."""
    safe = re.sub(r'[\\/:*?"<>|]', "_", f"{category_label}-{title}")[:120]
    return f"{position:03d}-{safe}.{extension}"


def megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, round(size / 1024))} KB"
