"""A record's whole file as one ZIP, as an archive or a court asks for it: the table of contents (卷宗目录) first,
as a Word document after GB/T 9704, then each document numbered as the table lists it. Written to a spooled
temporary file a chunk at a time, so a file of many large scans is never held in memory."""

from __future__ import annotations

import shutil
import tempfile
import zipfile

from docx import Document as WordDocument

from casetrack import gbt9704
from casetrack.clock import local, utc_now
from casetrack.documents import rules
from casetrack.documents.storage import CHUNK, BlobStore
from casetrack.i18n import text_of

TOC_NAME = "000-卷宗目录.docx"
TOC_HEADINGS = ["序号", "类别", "文件名称", "日期", "页数", "文件"]


def entries(documents) -> list[dict]:
    """Each document's row of the table of contents and its name in the ZIP, numbered from 1 in bound order."""
    rows = []
    for position, document in enumerate(documents, start=1):
        version = document.current
        file_type = rules.FILE_TYPES.get(version.content_type)
        category = text_of(rules.CATEGORIES.get(document.category, document.category))
        rows.append(
            {
                "position": position,
                "category": category,
                "title": document.title,
                "dated_on": document.dated_on.isoformat() if document.dated_on else "",
                "pages": str(version.pages) if version.pages else "",
                "entry": rules.archive_entry_name(
                    position,
                    category.split("(")[0].split("（")[0],
                    document.title,
                    file_type.extension if file_type else "bin",
                ),
                "key": version.sha256,
            }
        )
    return rows


def table_of_contents(title: str, rows: list[dict]) -> bytes:
    now = utc_now()
    document = WordDocument()
    gbt9704.set_up(document, title, now)
    document.add_paragraph(title, style="Title")
    gbt9704.table(
        document,
        TOC_HEADINGS,
        [[str(r["position"]), r["category"], r["title"], r["dated_on"], r["pages"], r["entry"]] for r in rows],
    )
    gbt9704.add_date_line(document, local(now))
    return gbt9704.saved(document)


def build(kind, owner, documents, store: BlobStore):
    """(a spooled file holding the ZIP, positioned at 0; the name to download it as)."""
    name = kind.name_of(owner)
    rows = entries(documents)
    spool = tempfile.SpooledTemporaryFile(max_size=16 * CHUNK)
    with zipfile.ZipFile(spool, "w") as bundle:
        bundle.writestr(
            zipfile.ZipInfo(TOC_NAME, date_time=local(utc_now()).timetuple()[:6]),
            table_of_contents(f"{name} 卷宗目录", rows),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for row in rows:
            with store.open(row["key"]) as source, bundle.open(row["entry"], "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, CHUNK)
    spool.seek(0)
    return spool, rules.archive_entry_name(0, name, "卷宗", "zip").removeprefix("000-")
