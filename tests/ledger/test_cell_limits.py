"""What passes the preview can be stored: a text cell longer than its column, or holding a control character, is
refused by the preview (with the column's own width, the one the registration form applies) instead of failing
the confirmation with a database error. Nothing is written either way."""

import zipfile

import pytest
from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.accounts.rules import MAX_UNIT_NAME
from casetrack.cases import rules
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from tests.ledger.actions import cli_import, confirm, error_rows, stored_upload, upload
from tests.ledger.test_hearing_mediation_sheets import CASES, HEARINGS, LITIGATION, MEDIATIONS, workbook
from tests.ledger.test_import import count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")
#: openpyxl refuses to write control characters; Excel writes them in its own escape, which calamine reads back.
CONTROLS = {"@NUL@": b"_x0000_", "@SOH@": b"_x0001_", "@VT@": b"_x000B_"}


def with_controls(path):
    """The workbook with each placeholder of CONTROLS replaced by the control character's escape."""
    edited = path.with_name("controls-" + path.name)
    with zipfile.ZipFile(path) as original, zipfile.ZipFile(edited, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            for mark, escape in CONTROLS.items():
                data = data.replace(mark.encode(), escape)
            copy.writestr(item, data)
    return edited


def test_the_preview_refuses_cells_the_database_could_not_store(tmp_path, login_as):
    client = login_as("mediator")
    long_number = "富政复〔2020〕" + "1" * (rules.MAX_NUMBER - 8) + "号"
    long_unit = "区" * (MAX_UNIT_NAME + 1)
    rows = [
        row(),
        row(number=long_number),
        row(number="富政复〔2020〕3号", unit=long_unit),
        row(number="富政复〔2020〕4号", applicant="张@NUL@三"),
        row(number="富政复〔2020〕5@SOH@号"),
        row(number="富政复〔2020〕6号", matter="行政@VT@处罚"),
        row(number="富政复〔2020〕7号", count="inf"),
    ]
    response = upload(client, with_controls(xlsx(tmp_path / "bad.xlsx", rows)))
    assert response.status_code == 400 and stored_upload(response) is None
    assert error_rows(response) == [
        ("案件", "3", "案号", f"内容有{len(long_number)}个字符，最多{rules.MAX_NUMBER}个。"),
        ("案件", "4", "被申请人/被告", f"内容有{MAX_UNIT_NAME + 1}个字符，最多{MAX_UNIT_NAME}个。"),
        ("案件", "5", "申请人/原告", "单元格中含有控制字符（U+0000），无法保存，请删除。"),
        ("案件", "6", "案号", "单元格中含有控制字符（U+0001），无法保存，请删除。"),
        ("案件", "7", "案由", "单元格中含有控制字符（U+000B），无法保存，请删除。"),
        ("案件", "8", "申请人数", "“inf”不是整数。"),
    ]
    assert count() == 0 and count(Unit) == 0


def test_text_as_long_as_its_column_passes_the_preview_and_is_stored_on_confirmation(tmp_path, login_as):
    client = login_as("mediator")
    number = "富政复〔2020〕" + "1" * (rules.MAX_NUMBER - 10) + "号"
    unit = "区" * MAX_UNIT_NAME
    assert len(number) == rules.MAX_NUMBER
    preview = upload(client, xlsx(tmp_path / "full.xlsx", [row(number=number, unit=unit, applicant="张三\n李四")]))
    assert preview.status_code == 200
    assert confirm(client, preview).status_code == 302
    case = db.session.scalar(select(Case))
    assert (case.number, case.respondent_unit.name, [a.name for a in case.applicants]) == (
        number,
        unit,
        ["张三", "李四"],
    )


def test_the_registration_form_holds_a_number_to_the_same_width(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    client = login_as("legal")
    data = {
        "kind": "review",
        "respondent_unit_id": unit.id,
        "applicants": "李四",
        "matter": "penalty",
        "received_on": "2026-01-05",
        "procedure": "normal",
        "instance": "first",
        "outcome": "",
    }
    assert client.post("/cases/new", {**data, "number": "号" * (rules.MAX_NUMBER + 1)}).status_code == 400
    assert client.post("/cases/new", {**data, "number": "号" * rules.MAX_NUMBER}).status_code == 302
    assert count() == 1


def test_hearing_and_mediation_cells_are_held_to_their_columns_too(tmp_path, app):
    width = Hearing.__table__.c.principal_name.type.length
    path = workbook(
        tmp_path / "all.xlsx",
        案件=(CASES, [LITIGATION]),
        庭审=(HEARINGS, [["(2020)浙0111行初1号", "2020-03-02", "是", "周" * (width + 1), "主要负责人", "是"]]),
        调解=(MEDIATIONS, [["调" * 65, "", "新登镇", "诉前", "2020-05-01", "", ""]]),
    )
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert f"庭审 第2行“出庭负责人”列：内容有{width + 1}个字符，最多{width}个。" in result.output, result.output
    assert "调解 第2行“编号”列：内容有65个字符，最多64个。" in result.output, result.output
    assert count() == 0
