"""A sheet's header row decides which cell is which: a header that is doubled, misspelt or alone is refused with a
message naming the column and the sheet, and nothing is written."""

import csv

import pytest

from casetrack.accounts.models import Unit
from tests.ledger.actions import cli_import, stored_upload, text, upload
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


def misspelt(header: list[str], wrong: str, right: str) -> list[str]:
    return [wrong if title == right else title for title in header]


def test_a_misspelt_required_header_names_the_missing_column_and_the_sheet(tmp_path, app):
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(misspelt(HEADER, "被申请人单位", "被申请人/被告"))
        writer.writerow(row())
    result = cli_import(app, path)
    assert result.exit_code == 1
    expected = "工作表 台账.csv 缺少案件表必需的列：被申请人/被告；以下表头不是台账列：被申请人单位。"
    assert expected in result.output, result.output
    assert "没有台账工作表" not in result.output
    assert count() == 0 and count(Unit) == 0


def test_the_upload_page_names_a_misspelt_column_of_an_unnamed_sheet(tmp_path, login_as):
    client = login_as("mediator")
    path = xlsx(tmp_path / "book.xlsx", [row()], header=misspelt(HEADER, "案件号", "案号"), title="Sheet1")
    response = upload(client, path)
    page = text(response)
    assert response.status_code == 400
    assert "工作表 Sheet1 缺少案件表必需的列：案号；以下表头不是台账列：案件号。" in page, page
    assert count() == 0


def test_a_sheet_named_as_a_ledger_sheet_names_its_missing_column(tmp_path, app):
    header = [title for title in HEADER if title != "收案日期"]
    path = xlsx(
        tmp_path / "short.xlsx",
        [[cell for title, cell in zip(HEADER, row(), strict=True) if title != "收案日期"]],
        header,
    )
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "工作表 案件 缺少案件表必需的列：收案日期。" in result.output, result.output
    assert count() == 0


@pytest.mark.parametrize("spelling", ["案 号", "案\u3000号", "案\u200b号", " 案号 ", "ｎｕｍｂｅｒ"])
def test_spaces_invisible_characters_and_full_width_letters_in_a_header_are_no_misspelling(tmp_path, app, spelling):
    path = xlsx(tmp_path / "spaced.xlsx", [row()], header=misspelt(HEADER, spelling, "案号"), title="Sheet1")
    result = cli_import(app, path)
    assert result.exit_code == 0 and "created 1" in result.output, result.output


def test_a_file_with_no_sheet_like_a_ledger_sheet_still_says_so(tmp_path, app):
    path = xlsx(tmp_path / "notes.xlsx", [["买菜", "周一"]], header=["事项", "日期"], title="备忘")
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "文件中没有台账工作表（案件、庭审、调解）。" in result.output, result.output


def test_a_file_with_headers_and_no_rows_says_it_has_no_data(tmp_path, login_as):
    client = login_as("mediator")
    response = upload(client, xlsx(tmp_path / "empty.xlsx", []), filename="空台账.xlsx")
    page = text(response)
    assert response.status_code == 400
    assert "文件中没有数据行：工作表 案件 只有表头，下面没有数据。" in page, page
    assert "已在系统中" not in page and stored_upload(response) is None
    assert count() == 0


def test_the_cli_refuses_a_csv_of_headers_alone(tmp_path, app):
    path = tmp_path / "header.csv"
    path.write_text(",".join(HEADER) + "\n\n", encoding="utf-8")
    result = cli_import(app, path)
    assert result.exit_code == 1
    assert "header.csv：文件中没有数据行：工作表 header.csv 只有表头，下面没有数据。" in result.output, result.output
