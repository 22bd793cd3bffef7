"""A report built at 17:30 UTC on 1 December is built at 01:30 on the 2nd in Beijing: the reports page, an Excel
export and the Word and Markdown documents all say the 2nd."""

import io
import re
from datetime import UTC, datetime

from docx import Document
from openpyxl import load_workbook

LATE_EVENING_UTC = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)


def test_a_build_late_in_the_utc_evening_shows_the_next_day_in_beijing_everywhere(login_as, frozen_clock):
    frozen_clock(LATE_EVENING_UTC)
    legal = login_as("legal")
    assert legal.post("/reports/build", {"year": "2026"}).status_code == 302

    listing = legal.get("/reports/").get_data(as_text=True)
    assert re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", listing) == ["2026-12-02 01:30"] * 3

    document = Document(io.BytesIO(legal.get("/reports/2026.docx").data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    # The running year stops at the district's today, and the document is dated that day.
    assert texts[0] == "2026年1月1日至12月2日行政争议预防化解工作情况"
    assert texts[-1] == "2026年12月2日"
    assert document.core_properties.created == LATE_EVENING_UTC
    assert "生成时间：2026-12-02 01:30" in legal.get("/reports/2026.md").get_data(as_text=True)

    export = legal.get("/dashboard/export.xlsx")
    assert "2026-12-02.xlsx" in export.headers["Content-Disposition"]
    figures = load_workbook(io.BytesIO(export.data)).worksheets[0]
    assert figures.cell(2, 2).value == "2026-01-01 – 2026-12-02"
