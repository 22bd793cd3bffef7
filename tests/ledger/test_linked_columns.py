"""The 案件 sheet's optional columns of issue 12: 关联案号, 判决送达日期 and 裁判类型, on import and export."""

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.ledger.services import export_ledger, import_ledger
from tests.ledger.test_import import HEADER, messages, row, xlsx

TODAY = date(2026, 11, 26)
pytestmark = pytest.mark.usefixtures("app")
LINKED_HEADER = [*HEADER, "关联案号", "判决送达日期", "裁判类型"]

REVIEW = row(number="富政复〔2026〕1号", received="2026-01-05", accepted="2026-01-06", concluded="2026-03-02")
FIRST = row(
    number="（2026）浙0183行初7号",
    kind="行政诉讼",
    instance="一审",
    received="2026-03-20",
    accepted="2026-03-22",
    concluded="2026-08-03",
    outcome="撤销",
)
SECOND = row(
    number="（2026）浙01行终3号",
    kind="行政诉讼",
    instance="二审",
    received="2026-09-01",
    accepted="2026-09-02",
    concluded="",
    outcome="",
)


def case(number) -> Case:
    return db.session.scalars(select(Case).where(Case.number == number)).one()


def test_a_lawsuit_after_review_and_its_second_instance_link_in_one_file_and_round_trip(tmp_path):
    rows = [
        [*REVIEW, "", "", ""],
        [*SECOND, "（2026）浙0183行初7号", "", ""],  # before the first instance it follows: still found
        [*FIRST, "富政复〔2026〕1号", "2026年8月10日", "判决"],
    ]
    report = import_ledger(xlsx(tmp_path / "linked.xlsx", rows, header=LINKED_HEADER), SYSTEM, TODAY)
    assert not report.errors, report.error_lines()
    first, second, review = case("（2026）浙0183行初7号"), case("（2026）浙01行终3号"), case("富政复〔2026〕1号")
    assert (first.related_case_id, first.related_relation) == (review.id, "after_review")
    assert (second.related_case_id, second.related_relation) == (first.id, "appeal")
    assert (first.judgment_served_on, first.ruling_kind) == (date(2026, 8, 10), "judgment")

    exported = tmp_path / "out.xlsx"
    export_ledger(exported, SYSTEM)
    sheet = load_workbook(exported)["案件"]
    header = [cell.value for cell in sheet[1]]
    by_number = {r[0]: dict(zip(header, r, strict=False)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_number["（2026）浙0183行初7号"]["关联案号"] == "富政复〔2026〕1号"
    assert by_number["（2026）浙0183行初7号"]["裁判类型"] == "判决"
    assert by_number["（2026）浙01行终3号"]["关联案号"] == "（2026）浙0183行初7号"
    again = import_ledger(exported, SYSTEM, TODAY)
    # Re-importing the export changes nothing: the links, dates and kinds read back as they were written.
    assert not again.errors, again.error_lines()
    assert (again.created["cases"], again.updated["cases"], again.unchanged["cases"]) == (0, 0, 3)


def test_a_linked_number_that_does_not_exist_is_the_rows_error_and_nothing_is_imported(tmp_path):
    rows = [[*FIRST, "", "", ""], [*SECOND, "（2026）浙0183行初404号", "", ""]]
    report = import_ledger(xlsx(tmp_path / "bad.xlsx", rows, header=LINKED_HEADER), SYSTEM, TODAY)
    found = messages(report)
    assert list(found) == [3] and "（2026）浙0183行初404号" in found[3]
    assert db.session.scalar(select(Case.id).limit(1)) is None


def test_a_second_instance_cannot_follow_a_review_and_a_ruling_kind_must_be_known(tmp_path):
    rows = [[*REVIEW, "", "", ""], [*SECOND, "富政复〔2026〕1号", "", ""], [*FIRST, "", "2026-08-10", "调解书"]]
    report = import_ledger(xlsx(tmp_path / "bad.xlsx", rows, header=LINKED_HEADER), SYSTEM, TODAY)
    assert set(messages(report)) == {3, 4}


def test_a_link_added_to_an_existing_case_is_an_update_and_re_importing_it_changes_nothing(tmp_path):
    first = import_ledger(
        xlsx(tmp_path / "a.xlsx", [[*FIRST, "", "", ""], [*SECOND, "", "", ""]], LINKED_HEADER), SYSTEM, TODAY
    )
    assert first.ok, first.error_lines()
    linked = [[*FIRST, "", "", ""], [*SECOND, "（2026）浙0183行初7号", "", ""]]
    report = import_ledger(xlsx(tmp_path / "b.xlsx", linked, LINKED_HEADER), SYSTEM, TODAY)
    assert (report.created["cases"], report.updated["cases"], report.unchanged["cases"]) == (0, 1, 1)
    assert case("（2026）浙01行终3号").related_case_id == case("（2026）浙0183行初7号").id
    again = import_ledger(xlsx(tmp_path / "c.xlsx", linked, LINKED_HEADER), SYSTEM, TODAY)
    assert (again.created["cases"], again.updated["cases"], again.unchanged["cases"]) == (0, 0, 2)
