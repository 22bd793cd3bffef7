"""A 案号 typed in full-width, half-width or mixed characters is one case for the ledger: found, not duplicated."""

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from tests.ledger.actions import cli_import, text, upload
from tests.ledger.test_hearing_mediation_sheets import CASES, HEARINGS, workbook
from tests.ledger.test_import import count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")
FULL = "（２０２６）浙０１８３行初９０２号"
HALF = "(2026)浙0183行初902号"
MIXED = "（2026）浙0183行初902号"


def litigation(number, **changes):
    values = {"number": number, "kind": "行政诉讼", "instance": "一审", "concluded": "", "outcome": "", **changes}
    return row(**values)


def test_a_number_in_another_width_finds_the_case_and_keeps_it_as_first_typed(tmp_path, app):
    assert cli_import(app, xlsx(tmp_path / "first.xlsx", [litigation(FULL)])).exit_code == 0

    same = cli_import(app, xlsx(tmp_path / "half.xlsx", [litigation(HALF)]))
    assert same.exit_code == 0 and "created 0, updated 0, unchanged 1" in same.output, same.output
    changed = cli_import(app, xlsx(tmp_path / "mixed.xlsx", [litigation(MIXED, applicant="张三、李四")]))
    assert changed.exit_code == 0 and "created 0, updated 1, unchanged 0" in changed.output, changed.output

    assert db.session.scalars(select(Case.number)).all() == [FULL]
    exported = tmp_path / "out.xlsx"
    assert app.test_cli_runner().invoke(args=["ledger", "export", str(exported)]).exit_code == 0
    sheet = load_workbook(exported, read_only=True)["案件"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [FULL]


def test_one_number_written_twice_in_two_widths_is_one_case_twice_and_nothing_is_written(tmp_path, login_as):
    client = login_as("mediator")
    response = upload(client, xlsx(tmp_path / "twice.xlsx", [litigation(FULL), litigation(HALF)]))
    page = text(response)
    assert response.status_code == 400
    assert f"案号 {HALF} 重复（首次出现在第2行）" in page, page
    assert count() == 0


def test_a_hearing_row_finds_its_case_in_another_width(tmp_path, app):
    path = workbook(
        tmp_path / "with-hearing.xlsx",
        案件=(CASES, [[FULL, "行政诉讼", "一审", "区公安分局", "张三", "2020-01-06", "2020-01-08"]]),
        庭审=(HEARINGS, [[HALF, "2020-03-02", "是", "周建国", "主要负责人", "是"]]),
    )
    result = cli_import(app, path)
    assert result.exit_code == 0, result.output
    again = workbook(tmp_path / "hearing-only.xlsx", 庭审=(HEARINGS, [[MIXED, "2020-04-08", "否", "", "", ""]]))
    result = cli_import(app, again)
    assert result.exit_code == 0, result.output
    case_id = db.session.scalar(select(Case.id))
    assert db.session.scalars(select(Hearing.case_id)).all() == [case_id, case_id]
