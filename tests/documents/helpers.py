"""Real files for the case-file tests: PDFs and pictures made by Pillow, a Word document by python-docx, and the
bytes of a Windows executable and an ELF binary."""

from __future__ import annotations

import io
import time
from pathlib import Path

from docx import Document as WordDocument
from PIL import Image

from casetrack.documents.storage import blob_store


def pdf_bytes(pages: int = 1, colour: str = "white") -> bytes:
    images = [Image.new("RGB", (120, 170), colour) for _ in range(pages)]
    buffer = io.BytesIO()
    # A fixed date: otherwise Pillow stamps each PDF with the second it was made in, and equal calls differ.
    stamp = time.gmtime(1767225600)  # 2026-01-01
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], creationDate=stamp, modDate=stamp)
    return buffer.getvalue()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes(text: str = "答辩状") -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


#: A PE header ("MZ" … "PE\0\0"): what a renamed .exe starts with.
EXE_BYTES = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + (b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200)
)
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\x00" * 300


def stored_files() -> list[Path]:
    root = Path(blob_store().root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
