"""申请人数 is a whole number from 1 to what the register keeps; anything else is refused naming the row and the
column, and nothing is written. A whole number that Excel stores as a float (3.0) is read as 3."""

import csv

import pytest
from sqlalchemy import select

from casetrack.cases import rules
from casetrack.cases.models import Case
from casetrack.extensions import db
from tests.ledger.actions import cli_import, error_rows, upload
from tests.ledger.test_import import HEADER, count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")
LIMIT = f"{rules.MAX_APPLICANTS:,}"
REFUSED = [
    ("1e3", "“1e3”不是整数。"),
    ("inf", "“inf”不是整数。"),
    ("nan", "“nan”不是整数。"),
    ("1.5", "“1.5”不是整数。"),
    ("-2", "“-2”不是大于或等于1的整数。"),
    ("0", "“0”不是大于或等于1的整数。"),
    (str(rules.MAX_APPLICANTS + 1), f"“{rules.MAX_APPLICANTS + 1}”超过{LIMIT}。"),
    ("9" * 40, f"“{'9' * 40}”超过{LIMIT}。"),
]


def test_a_count_that_is_not_a_whole_number_in_range_is_refused_on_the_upload_page(tmp_path, login_as):
    client = login_as("mediator")
    rows = [row(number=f"富政复〔2020〕{n}号", count=cell) for n, (cell, _) in enumerate(REFUSED, start=1)]
    response = upload(client, xlsx(tmp_path / "counts.xlsx", [row(), *rows]))
    assert response.status_code == 400
    expected = [("案件", str(number), "申请人数", message) for number, (_, message) in enumerate(REFUSED, start=3)]
    assert error_rows(response) == expected
    assert count() == 0


def test_the_cli_names_the_row_and_column_of_a_bad_count(tmp_path, app):
    path = tmp_path / "counts.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerow(row())
        writer.writerow(row(number="富政复〔2020〕2号", count="1e3"))
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "counts.csv 第3行“申请人数”列：“1e3”不是整数。" in result.output, result.output
    assert count() == 0


def test_number_cells_beyond_the_register_or_not_whole_are_refused(tmp_path, app):
    path = xlsx(tmp_path / "floats.xlsx", [row(count=1e20), row(number="富政复〔2020〕2号", count=2.5)])
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert f"案件 第2行“申请人数”列：“1e+20”超过{LIMIT}。" in result.output, result.output
    assert "案件 第3行“申请人数”列：“2.5”不是整数。" in result.output, result.output
    assert count() == 0


def test_a_whole_number_stored_as_a_float_imports_as_that_number(tmp_path, app):
    result = cli_import(app, xlsx(tmp_path / "float.xlsx", [row(count=3.0, applicant="张三")]))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Case.applicant_count)) == 3
