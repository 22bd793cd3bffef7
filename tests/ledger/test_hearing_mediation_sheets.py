from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.ledger.services import export_ledger, import_ledger
from casetrack.mediation.models import Mediation

TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("app")
CASES = ["案号", "类型", "审级", "被申请人/被告", "申请人/原告", "收案日期", "受理日期"]
HEARINGS = ["案号", "开庭日期", "负责人出庭", "出庭负责人", "职务", "出声"]
MEDIATIONS = ["编号", "关联案号", "被申请单位", "来源", "受理日期", "办结日期", "结果"]


def workbook(path, **sheets):
    book = Workbook()
    book.remove(book.active)
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


LITIGATION = ["(2020)浙0111行初1号", "行政诉讼", "一审", "区公安分局", "张三", "2020-01-06", "2020-01-08"]


def test_cases_hearings_and_mediations_of_one_file_import_together_and_reimport_as_no_op(tmp_path):
    path = workbook(
        tmp_path / "all.xlsx",
        案件=(CASES, [LITIGATION]),
        庭审=(
            HEARINGS,
            [
                ["(2020)浙0111行初1号", "2020-03-02", "是", "周建国", "主要负责人", "是"],
                ["(2020)浙0111行初1号", "2020/4/8", "否", "", "", ""],
            ],
        ),
        调解=(
            MEDIATIONS,
            [
                ["富调1号", "(2020)浙0111行初1号", "", "诉讼中", "2020-02-01", "2020-03-01", "成功"],
                ["富调2号", "", "新登镇", "诉前", "2020-05-01", "", ""],
            ],
        ),
    )
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok, report.error_lines()
    assert (report.created["cases"], report.created["hearings"], report.created["mediations"]) == (1, 2, 2)
    case = db.session.scalar(select(Case))
    hearings = db.session.scalars(select(Hearing).order_by(Hearing.held_on)).all()
    assert [h.case_id for h in hearings] == [case.id, case.id]
    assert hearings[0].appeared and hearings[0].principal_title == "main" and hearings[0].spoke
    assert hearings[1].appeared is False
    linked = db.session.scalar(select(Mediation).where(Mediation.number == "富调1号"))
    assert (linked.case_id, linked.status, linked.respondent_unit_id) == (case.id, "succeeded", case.respondent_unit_id)
    assert db.session.scalar(select(Mediation.status).where(Mediation.number == "富调2号")) == "open"

    again = import_ledger(path, SYSTEM, TODAY)
    assert again.ok and sum(again.created.values()) == 0 and sum(again.updated.values()) == 0
    assert again.unchanged == {"cases": 1, "hearings": 2, "mediations": 2}


def test_hearings_of_several_cases_the_same_file_brings_each_go_to_their_own_case(tmp_path):
    second = ["(2020)浙0111行初2号", "行政诉讼", "一审", "区住建局", "李四", "2020-02-03", "2020-02-05"]
    path = workbook(
        tmp_path / "two.xlsx",
        案件=(CASES, [LITIGATION, second]),
        庭审=(
            HEARINGS,
            [
                ["(2020)浙0111行初1号", "2020-03-02", "是", "周建国", "主要负责人", "是"],
                ["(2020)浙0111行初2号", "2020-04-08", "是", "李志强", "主要负责人", "否"],
                ["(2020)浙0111行初1号", "2020-05-11", "", "", "", ""],
            ],
        ),
    )
    report = import_ledger(path, SYSTEM, TODAY)
    assert report.ok, report.error_lines()
    ids = dict(db.session.execute(select(Case.number, Case.id)).all())
    held = db.session.execute(select(Hearing.case_id, Hearing.held_on).order_by(Hearing.held_on)).all()
    assert [case_id for case_id, _ in held] == [
        ids["(2020)浙0111行初1号"],
        ids["(2020)浙0111行初2号"],
        ids["(2020)浙0111行初1号"],
    ]


def test_bad_hearing_and_mediation_rows_are_each_reported_and_nothing_is_written(tmp_path):
    db.session.add(
        Case(
            kind="review",
            number="富政复1号",
            respondent_unit_id=_unit("区住建局"),
            matter="other",
            received_on=date(2020, 1, 2),
            status="received",
            search_text="",
        )
    )
    db.session.commit()
    path = workbook(
        tmp_path / "bad.xlsx",
        案件=(CASES, [LITIGATION]),
        庭审=(
            HEARINGS,
            [
                ["(2020)浙0111行初1号", "2020-03-02", "是", "周建国", "主要负责人", "是"],  # row 2 good
                ["(2099)不存在1号", "2020-03-02", "是", "某人", "主要负责人", "是"],  # row 3 unknown case
                ["富政复1号", "2020-03-02", "", "", "", ""],  # row 4 a review case
                ["(2020)浙0111行初1号", "2020-03-02", "否", "", "", ""],  # row 5 duplicate hearing
                ["(2020)浙0111行初1号", "2020-05-02", "也许", "", "", ""],  # row 6 not 是/否
                ["(2020)浙0111行初1号", "2020-06-02", "是", "", "", ""],  # row 7 appeared, no name
                ["(2020)浙0111行初1号", "2099-01-01", "是", "周建国", "主要负责人", "是"],  # row 8 future
            ],
        ),
        调解=(
            MEDIATIONS,
            [
                ["富调1号", "", "新登镇", "诉前", "2020-05-01", "2020-06-01", "成功"],  # row 2 good
                ["富调1号", "", "新登镇", "诉前", "2020-05-01", "", ""],  # row 3 duplicate number
                ["富调3号", "(2099)不存在1号", "", "", "2020-05-01", "", ""],  # row 4 unknown case
                ["富调4号", "", "新登镇", "路边", "2020-05-01", "", ""],  # row 5 unknown source
                ["富调5号", "", "新登镇", "诉前", "2020-05-01", "", "成功"],  # row 6 result without date
                ["富调6号", "", "新登镇", "诉前", "2020-05-01", "2020-04-01", "不成功"],  # row 7 ends before it began
                ["富调7号", "", "", "诉前", "2020-05-01", "", ""],  # row 8 no unit
            ],
        ),
    )
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.rollback()
    assert not report.ok
    by_sheet = {}
    for error in report.errors:
        by_sheet.setdefault(error.sheet, set()).add(error.row)
    assert by_sheet == {"庭审": {3, 4, 5, 6, 7, 8}, "调解": {3, 4, 5, 6, 7, 8}}
    lines = "\n".join(report.error_lines())
    assert "庭审 第3行" in lines and "不存在" in lines and "不是行政诉讼案件" in lines and "重复" in lines
    assert (count(Case), count(Hearing), count(Mediation)) == (1, 0, 0)


def test_a_unit_liaison_cannot_import_mediations(tmp_path, factories):
    liaison = factories.user(role="unit", unit=factories.unit(name="新登镇"))
    db.session.commit()
    path = workbook(tmp_path / "m.xlsx", 调解=(MEDIATIONS, [["富调1号", "", "新登镇", "诉前", "2020-05-01", "", ""]]))
    report = import_ledger(path, liaison, TODAY)
    assert not report.ok and count(Mediation) == 0


def test_a_hearing_csv_is_recognised_by_its_header(tmp_path):
    import_ledger(workbook(tmp_path / "c.xlsx", 案件=(CASES, [LITIGATION])), SYSTEM, TODAY)
    db.session.commit()
    path = tmp_path / "hearings.csv"
    path.write_text(
        "案号,开庭日期,负责人出庭,出庭负责人,职务,出声\n(2020)浙0111行初1号,2020年3月2日,是,周建国,分管负责人,否\n",
        encoding="utf-8-sig",
    )
    report = import_ledger(path, SYSTEM, TODAY)
    db.session.commit()
    assert report.ok and report.created["hearings"] == 1
    assert db.session.scalar(select(Hearing.principal_title)) == "deputy"


def test_the_exported_ledger_has_all_three_sheets_and_reimports_unchanged(tmp_path):
    import_ledger(
        workbook(
            tmp_path / "in.xlsx",
            案件=(CASES, [LITIGATION]),
            庭审=(HEARINGS, [["(2020)浙0111行初1号", "2020-03-02", "是", "周建国", "主要负责人", "是"]]),
            调解=(MEDIATIONS, [["富调1号", "(2020)浙0111行初1号", "", "诉讼中", "2020-02-01", "2020-03-01", "撤回"]]),
        ),
        SYSTEM,
        TODAY,
    )
    db.session.commit()
    out = tmp_path / "out.xlsx"
    assert export_ledger(out, SYSTEM) == {"案件": 1, "中止": 0, "庭审": 1, "调解": 1, "建议": 0}
    report = import_ledger(out, SYSTEM, TODAY)
    assert report.ok and report.unchanged == {
        "cases": 1,
        "suspensions": 0,
        "hearings": 1,
        "mediations": 1,
        "suggestions": 0,
    }, report.error_lines()


def _unit(name):
    from casetrack.accounts.models import Unit

    unit = Unit(name=name, kind="department")
    db.session.add(unit)
    db.session.flush()
    return unit.id
