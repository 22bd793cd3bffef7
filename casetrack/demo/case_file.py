"""The demo's case file: the documents a real review's file holds by the time its answer is in — the application,
the respondent's answer and a photograph of the site — made here as a Word document and a picture, so the demo
district opens with a file to look at and a ZIP to download."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as WordDocument
from PIL import Image, ImageDraw

from casetrack import gbt9704
from casetrack.clock import utc_now


def word_document(title: str, paragraphs: list[str], dated: date) -> bytes:
    document = WordDocument()
    gbt9704.set_up(document, title, utc_now())
    document.add_paragraph(title, style="Title")
    for text in paragraphs:
        document.add_paragraph(text, style="Body Text")
    gbt9704.add_date_line(document, dated)
    return gbt9704.saved(document)


def site_photo() -> bytes:
    """A stand-in for a photograph of the site: buildings against the sky, drawn (the demo ships no pictures)."""
    picture = Image.new("RGB", (640, 400), (186, 214, 235))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 300, 640, 400), fill=(120, 140, 90))
    for left, height, shade in ((40, 180, 150), (180, 240, 170), (330, 150, 140), (470, 210, 160)):
        draw.rectangle((left, 300 - height, left + 110, 300), fill=(shade, shade, shade + 10))
        for row in range(300 - height + 15, 290, 30):
            for column in range(left + 12, left + 100, 28):
                draw.rectangle((column, row, column + 14, row + 16), fill=(90, 110, 140))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()
