"""Annual reports kept for download: built by the January job or by the legal bureau, read by non-unit roles."""

import io
import re
from datetime import date

from docx import Document
from sqlalchemy import func, select

from casetrack.extensions import db
from casetrack.reports.models import StoredReport
from casetrack.reports.tasks import build_annual


def _stored_count():
    return db.session.scalar(select(func.count()).select_from(StoredReport))


def test_the_legal_bureau_builds_a_report_and_a_leader_downloads_it(login_as, factories):
    factories.case(received_on=date(2020, 5, 6), concluded_on=date(2020, 7, 1), outcome="revoked")
    legal = login_as("legal")
    assert "尚未生成任何报告" in legal.get("/reports/").get_data(as_text=True)
    response = legal.post("/reports/build", {"year": "2020"})
    assert response.status_code == 302
    assert _stored_count() == 3

    leader = login_as("leader")
    listing = leader.get("/reports/").get_data(as_text=True)
    assert "/reports/2020.docx" in listing and "/reports/2020.md" in listing
    assert 'id="build-report"' not in listing  # leaders read; they do not rebuild
    word = leader.get("/reports/2020.docx")
    assert word.status_code == 200 and "attachment" in word.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(word.data)).paragraphs)
    assert "2020年全区行政复议新发1件" in text and "纠错率100.00%" in text
    assert leader.get("/reports/2020.md").get_data(as_text=True).startswith("# 2020年度")


def test_a_unit_liaison_cannot_see_the_district_report(login_as):
    unit = login_as("unit")
    assert unit.get("/reports/").status_code == 403
    assert unit.get("/reports/2020.docx").status_code == 403


def test_a_bad_year_is_refused_with_a_message_and_builds_nothing(login_as):
    legal = login_as("legal")
    response = legal.post("/reports/build", {"year": "20x0"}, follow_redirects=True)
    assert "请输入年份" in response.get_data(as_text=True)
    response = legal.post("/reports/build", {"year": "1850"}, follow_redirects=True)
    assert "请输入2000至2100之间的年份" in response.get_data(as_text=True)
    assert _stored_count() == 0


def test_a_report_not_built_or_an_unknown_format_is_not_found(login_as):
    leader = login_as("leader")
    assert leader.get("/reports/2020.docx").status_code == 404
    assert leader.get("/reports/2020.pdf").status_code == 404


def test_only_the_legal_bureau_and_admins_rebuild(login_as):
    assert login_as("leader").post("/reports/build", {"year": "2020"}).status_code == 403
    assert login_as("mediator").post("/reports/build", {"year": "2020"}).status_code == 403


def test_the_january_job_builds_last_year_and_a_rebuild_replaces_it(factories):
    factories.case(received_on=date(2020, 5, 6))
    db.session.commit()
    assert build_annual.delay(2020).get() == {"year": 2020, "formats": ["json", "md", "docx"]}
    factories.case(received_on=date(2020, 6, 6))
    db.session.commit()
    build_annual.delay(2020).get()
    assert _stored_count() == 3
    stored = db.session.scalar(select(StoredReport).where(StoredReport.format == "json"))
    assert b'"new": 2' in stored.content and stored.generated_by_id is None


def _cells(row: str) -> list[str]:
    """A Markdown table row's cells, split where a "|" is not escaped."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_the_markdown_download_has_one_charset_and_a_unit_name_with_markdown_in_it_keeps_its_table(login_as, factories):
    unit = factories.unit(name="东洲|街道\\二\n# 组")
    factories.case(received_on=date(2020, 5, 6), respondent_unit=unit)
    factories.case(kind="litigation", received_on=date(2020, 5, 7), respondent_unit=unit)
    legal = login_as("legal")
    assert legal.post("/reports/build", {"year": "2020"}).status_code == 302

    response = legal.get("/reports/2020.md")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    lines = response.get_data(as_text=True).splitlines()
    tables = [i for i, line in enumerate(lines) if line.startswith("| 单位 |")]
    assert len(tables) == 2  # by unit, and the watch list
    for start in tables:
        heading, rule, row = lines[start : start + 3]
        assert len(_cells(row)) == len(_cells(heading)) == len(_cells(rule))
        assert _cells(row)[0] == r"东洲\|街道\\二 # 组"
