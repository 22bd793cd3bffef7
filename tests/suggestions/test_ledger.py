"""The 建议 sheet (SPEC section 4): suggestions come in through the ledger all or nothing, with every bad row
named by its number, and an export reads back into an empty database and then changes nothing."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.services import export_ledger, import_ledger
from casetrack.suggestions.models import Suggestion
from tests.conftest import _delete_everything
from tests.ledger.test_hearing_mediation_sheets import workbook

pytestmark = pytest.mark.usefixtures("app")
TODAY = local_today()
HEADER = ["文号", "类型", "发出机关", "接收单位", "收到日期", "关联案号", "回复日期", "整改完成日期"]
CASES = ["案号", "类型", "被申请人/被告", "申请人/原告", "收案日期", "受理日期", "审结日期", "结果"]
RECEIVED = date(2020, 3, 2)
GOOD = [
    [
        "富检行建〔2020〕1号",
        "检察建议",
        "富阳区人民检察院",
        "区住建局",
        RECEIVED,
        "",
        RECEIVED + timedelta(days=30),
        RECEIVED + timedelta(days=50),
    ],
    [
        "富检行建〔2020〕2号",
        "公益诉讼诉前检察建议",
        "富阳区人民检察院",
        "区住建局、东洲街道",
        "2020/4/1",
        "",
        None,
        None,
    ],
    [
        "（2020）浙0111司建1号",
        "司法建议",
        "富阳区人民法院",
        "区市场监管局",
        "2020年5月6日",
        "（2020）浙0111行初1号",
        "2020-05-20",
        None,
    ],
]
CASE = ["（2020）浙0111行初1号", "行政诉讼", "区市场监管局", "张三", "2020-01-06", "2020-01-10", "2020-04-20", "撤销"]


def count():
    return db.session.scalar(select(func.count(Suggestion.id)))


def test_good_rows_come_in_with_their_state_units_and_cases_and_again_change_nothing(tmp_path):
    path = workbook(tmp_path / "in.xlsx", 案件=(CASES, [CASE]), 建议=(HEADER, GOOD))
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.created["suggestions"] == 3, report.error_lines()
    assert "东洲街道" in report.new_units
    by_number = {s.number: s for s in db.session.scalars(select(Suggestion))}
    first, second, court = (
        by_number["富检行建〔2020〕1号"],
        by_number["富检行建〔2020〕2号"],
        by_number["（2020）浙0111司建1号"],
    )
    assert (first.state, first.reply_due_on) == ("rectified", date(2020, 5, 2))
    assert second.kind == "public_interest" and sorted(u.name for u in second.units) == ["东洲街道", "区住建局"]
    assert second.state == "received"
    assert court.state == "replied" and [c.number for c in court.cases] == ["（2020）浙0111行初1号"]
    again = import_ledger(path, SYSTEM, TODAY)
    assert again.ok and again.created["suggestions"] == 0 and again.unchanged["suggestions"] == 3


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["", "检察建议", "富阳区人民检察院", "区住建局", RECEIVED, "", None, None], "文号", "为空"),
        (["富检1号", "意见", "富阳区人民检察院", "区住建局", RECEIVED, "", None, None], "类型", "意见"),
        (
            ["富检1号", "检察建议", "富阳区人民检察院", "区住建局", TODAY + timedelta(days=2), "", None, None],
            "收到日期",
            "晚于今天",
        ),
        (
            ["富检1号", "检察建议", "富阳区人民检察院", "区住建局", RECEIVED, "", RECEIVED - timedelta(days=1), None],
            "回复日期",
            "不能早于",
        ),
        (
            ["富检1号", "检察建议", "富阳区人民检察院", "区住建局", RECEIVED, "", None, RECEIVED + timedelta(days=9)],
            "回复日期",
            "回复日期",
        ),
        (["富检1号", "检察建议", "富阳区人民检察院", "区住建局", RECEIVED, "无此案", None, None], "关联案号", "无此案"),
        (["富检行建〔2020〕1号", "检察建议", "富阳区人民检察院", "区住建局", RECEIVED, "", None, None], "文号", "重复"),
    ],
)
def test_one_bad_row_imports_nothing_and_is_named_with_its_row_and_column(tmp_path, row, column, words):
    path = workbook(tmp_path / "bad.xlsx", 建议=(HEADER, [GOOD[0], GOOD[1], row]))
    with_locale = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert not with_locale.ok and count() == 0
    from flask_babel import force_locale

    with force_locale("zh_Hans_CN"):
        lines = with_locale.error_lines()
    assert any("第4行" in line and column in line and words in line for line in lines), lines


def test_a_unit_liaison_imports_only_its_own_units_suggestions_and_its_rectification_waits(tmp_path, factories):
    unit = factories.unit(name="区住建局")
    factories.unit(name="区市场监管局")
    liaison = factories.user(role="unit", unit=unit)
    own = workbook(tmp_path / "own.xlsx", 建议=(HEADER, [GOOD[0]]))
    report = import_ledger(own, liaison, TODAY)
    db.session.commit()
    assert report.ok, report.error_lines()
    assert db.session.scalar(select(Suggestion.state)) == "rectification_reported"
    other = workbook(tmp_path / "other.xlsx", 建议=(HEADER, [GOOD[2][:5] + ["", None, None]]))
    refused = import_ledger(other, liaison, TODAY)
    assert not refused.ok and count() == 1


def test_an_export_reads_back_into_an_empty_database_and_then_changes_nothing(tmp_path):
    assert import_ledger(workbook(tmp_path / "in.xlsx", 案件=(CASES, [CASE]), 建议=(HEADER, GOOD)), SYSTEM, TODAY).ok
    db.session.commit()
    out = tmp_path / "out.xlsx"
    assert export_ledger(out, SYSTEM)["建议"] == 3
    before = sorted(
        (s.number, s.kind, s.state, s.replied_on, s.rectified_on) for s in db.session.scalars(select(Suggestion))
    )
    _delete_everything()
    back = import_ledger(out, SYSTEM, TODAY)
    db.session.commit()
    assert back.ok and back.created["suggestions"] == 3, back.error_lines()
    after = sorted(
        (s.number, s.kind, s.state, s.replied_on, s.rectified_on) for s in db.session.scalars(select(Suggestion))
    )
    assert after == before
    again = import_ledger(out, SYSTEM, TODAY)
    assert again.unchanged["suggestions"] == 3 and again.updated["suggestions"] == 0
