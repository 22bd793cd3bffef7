"""The annual report's section on suggestions and rectification, in the seed's words: "支持检察机关开展行政公益诉讼
和检察监督,全区各单位接受检察建议34份并整改完毕"."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casetrack.accounts.permissions import SYSTEM
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.services import import_ledger
from casetrack.reports.services import report_bytes
from casetrack.suggestions.models import Suggestion
from tests.ledger.test_hearing_mediation_sheets import workbook
from tests.suggestions.test_ledger import HEADER

pytestmark = pytest.mark.usefixtures("app")


def thirty_four(tmp_path, rectified: int):
    rows = []
    for n in range(1, 35):
        received = date(2020, 1, 6) + timedelta(days=7 * n)
        kind = "公益诉讼诉前检察建议" if n % 5 == 0 else "检察建议"
        done = received + timedelta(days=50) if n <= rectified else None
        rows.append(
            [
                f"富检行建〔2020〕{n}号",
                kind,
                "富阳区人民检察院",
                "区住建局",
                received,
                "",
                received + timedelta(days=30),
                done,
            ]
        )
    rows.append(["（2020）浙0111司建1号", "司法建议", "富阳区人民法院", "区住建局", date(2020, 6, 1), "", None, None])
    assert import_ledger(workbook(tmp_path / "s.xlsx", 建议=(HEADER, rows)), SYSTEM, local_today()).ok
    db.session.commit()


def test_34_procuratorial_suggestions_all_rectified_read_as_the_seed_says(tmp_path):
    thirty_four(tmp_path, rectified=34)
    text = report_bytes(2020, "md").decode()
    assert "支持检察机关开展行政公益诉讼和检察监督,全区各单位接受检察建议34份并整改完毕" in text
    assert "收到司法建议1份,已回复0份,整改完毕0份" in text
    assert "| 检察建议 | 28 | 28 | 28 | 28 |" in text and "| 公益诉讼诉前检察建议 | 6 | 6 | 6 | 6 |" in text
    report = report_bytes(2020, "json").decode()
    assert '"received": 35' in report and '"rectified": 34' in report


def test_when_some_are_not_rectified_the_report_says_how_many_are(tmp_path):
    thirty_four(tmp_path, rectified=30)
    text = report_bytes(2020, "md").decode()
    assert "全区各单位接受检察建议34份,已整改完毕30份" in text and "并整改完毕" not in text
    # A rectification the legal bureau has not accepted is not counted as done.
    assert db.session.scalar(select(Suggestion.state).where(Suggestion.number == "富检行建〔2020〕34号")) == "replied"


def test_a_year_without_any_says_so(app):
    assert "本期未收到司法建议、检察建议或行政复议意见书、建议书。" in report_bytes(2020, "md").decode()


def test_the_joint_meeting_pack_is_written_by_its_command_with_every_part(tmp_path, app):
    from docx import Document

    thirty_four(tmp_path, rectified=33)
    out = tmp_path / "pack.docx"
    result = app.test_cli_runner().invoke(
        args=["report", "joint-meeting", "--from", "2020-01-01", "--to", "2020-12-31", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = "\n".join(p.text for p in Document(out).paragraphs)
    for heading in (
        "一、总体情况",
        "二、建议办理与整改情况",
        "三、类案分析",
        "四、未办结的建议",
        "五、逾期未完成的整改",
    ):
        assert heading in text
    assert "2020年1月1日至2020年12月31日" in text and "全区各单位接受检察建议34份,已整改完毕33份" in text
    tables = Document(out).tables
    open_table = next(t for t in tables if t.rows[0].cells[0].text == "文号")
    assert [row.cells[0].text for row in open_table.rows[1:]] == [
        "（2020）浙0111司建1号",
        "富检行建〔2020〕34号",
    ]  # soonest due first
    bad = app.test_cli_runner().invoke(
        args=["report", "joint-meeting", "--from", "2020-12-31", "--to", "2020-01-01", "--output", str(out)]
    )
    assert bad.exit_code != 0 and "ends before it starts" in bad.output
