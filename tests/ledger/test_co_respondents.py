"""Issue 12 item 8, the 案件 sheet's 共同被告 column: unit names separated by 、, unknown units created and reported
like the respondent, written back by the export, a re-import of the export changing nothing."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.cases.models import Case, CaseRespondent
from casetrack.extensions import db
from casetrack.ledger.services import export_ledger, import_ledger
from tests.ledger.test_import import HEADER, row, xlsx

TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("app")


def lawsuit(number="（2020）浙0111行初5号", co="区政府、新登镇", unit="区公安分局"):
    return [*row(number, "行政诉讼", "一审", unit, outcome="驳回诉讼请求"), co]


def co_of(number):
    case = db.session.scalar(select(Case).where(Case.number == number))
    return [(r.unit.name, r.role) for r in case.co_respondents]


def test_an_imported_lawsuit_gets_its_co_defendants_and_unknown_units_are_created_and_reported(tmp_path, factories):
    factories.unit(name="区政府", kind="district")
    report = import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit()], HEADER + ["共同被告"]), SYSTEM, TODAY)
    assert report.ok, report.errors
    assert set(report.new_units) == {"区公安分局", "新登镇"}
    # The district government in a lawsuit is the review body; another unit made the act with the respondent.
    assert co_of("（2020）浙0111行初5号") == [("区政府", "review_body"), ("新登镇", "original_act")]


def test_the_export_writes_the_column_and_its_re_import_changes_nothing(tmp_path, factories):
    factories.unit(name="区政府", kind="district")
    import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit(), row()], HEADER + ["共同被告"]), SYSTEM, TODAY)
    db.session.commit()
    exported = tmp_path / "export.xlsx"
    export_ledger(exported, SYSTEM)
    sheet = load_workbook(exported)["案件"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("共同被告")
    cells = {r[0].value: r[column].value for r in sheet.iter_rows(min_row=2)}
    assert cells["（2020）浙0111行初5号"] == "区政府、新登镇"
    assert cells["富政复〔2020〕1号"] in (None, "")
    entries = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    again = import_ledger(exported, SYSTEM, TODAY)
    assert again.ok and (again.created["cases"], again.updated["cases"], again.unchanged["cases"]) == (0, 0, 2)
    assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == entries


def test_a_changed_cell_replaces_the_co_defendants_keeping_a_role_set_on_the_case_page(tmp_path, factories):
    factories.unit(name="区政府", kind="district")
    import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit()], HEADER + ["共同被告"]), SYSTEM, TODAY)
    db.session.execute(db.update(CaseRespondent).where(CaseRespondent.role == "original_act").values(role="other"))
    report = import_ledger(xlsx(tmp_path / "b.xlsx", [lawsuit(co="新登镇")], HEADER + ["共同被告"]), SYSTEM, TODAY)
    assert report.ok and report.updated["cases"] == 1
    assert co_of("（2020）浙0111行初5号") == [("新登镇", "other")]
    trail = db.session.scalars(select(AuditEntry).where(AuditEntry.field == "co_respondents").order_by(AuditEntry.id))
    assert [e.after for e in trail][-1] == "新登镇(other)"


def test_a_blank_cell_or_no_column_keeps_the_co_defendants(tmp_path, factories):
    import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit(co="新登镇")], HEADER + ["共同被告"]), SYSTEM, TODAY)
    import_ledger(xlsx(tmp_path / "b.xlsx", [lawsuit(co="")], HEADER + ["共同被告"]), SYSTEM, TODAY)
    import_ledger(xlsx(tmp_path / "c.xlsx", [lawsuit()[:-1]]), SYSTEM, TODAY)
    assert co_of("（2020）浙0111行初5号") == [("新登镇", "original_act")]


@pytest.mark.parametrize(
    "co, message",
    [
        ("区公安分局", "The respondent unit is already a respondent of the case."),
        ("新登镇、新登镇", "A unit is named twice as co-defendant."),
    ],
)
def test_a_bad_cell_is_reported_with_its_row_and_imports_nothing(tmp_path, co, message):
    report = import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit(co=co)], HEADER + ["共同被告"]), SYSTEM, TODAY)
    assert not report.ok
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, "共同被告", message)]
    assert db.session.scalars(select(Case)).all() == [] and db.session.scalars(select(Unit)).all() == []


def test_a_unit_liaison_cannot_name_co_defendants_by_import(tmp_path, factories):
    liaison = factories.user(role="unit", unit=factories.unit(name="区公安分局"))
    factories.unit(name="新登镇", kind="town")
    report = import_ledger(xlsx(tmp_path / "a.xlsx", [lawsuit(co="新登镇")], HEADER + ["共同被告"]), liaison, TODAY)
    assert not report.ok
    assert report.errors[0].column == "共同被告"
    assert db.session.scalars(select(Case)).all() == []
