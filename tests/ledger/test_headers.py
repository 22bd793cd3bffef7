"""A sheet's header row decides which cell is which: a header that is doubled, misspelt or alone is refused with a
message naming the column and the sheet, and nothing is written."""

import csv

import pytest

from casetrack.accounts.models import Unit
from tests.ledger.actions import cli_import, text, upload
from tests.ledger.test_import import HEADER, count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")


def test_a_column_named_twice_is_refused_naming_it_and_nothing_is_written(tmp_path, login_as):
    client = login_as("mediator")
    header = [*HEADER, "案号"]
    path = xlsx(tmp_path / "twice.xlsx", [[*row(), "富政复〔2020〕2号"]], header=header)
    response = upload(client, path)
    page = text(response)
    assert response.status_code == 400
    assert "表头中“案号”列重复出现（A、L列），请只保留其中一列。" in page, page
    assert count() == 0 and count(Unit) == 0


def test_two_names_of_one_column_are_the_column_twice(tmp_path, app):
    path = tmp_path / "aliases.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["案号", "类型", "被申请人/被告", "申请人", "原告", "收案日期"])
        writer.writerow(["富政复1号", "行政复议", "区住建局", "王五", "赵六", "2020-06-01"])
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "aliases.csv 第1行：表头中“申请人/原告”列重复出现（D、E列），请只保留其中一列。" in result.output, (
        result.output
    )
    assert count() == 0
