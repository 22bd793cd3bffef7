"""Importing the Excel ledger: a bad file imports nothing and names its bad row; a good one imports after confirming."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_numbers_listed, login, main_form_submit

pytestmark = pytest.mark.browser

HEADERS = ["案号", "类型", "被申请人/被告", "申请人/原告", "收案日期"]


def ledger_file(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "案件"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def upload(page, path) -> None:
    page.goto("/ledger/")
    page.set_input_files("main form input[type=file][name=file]", str(path))
    with page.expect_navigation():
        main_form_submit(page, "main form[enctype='multipart/form-data']").click()


def test_bad_ledger_imports_nothing_then_a_good_one_imports_on_confirm(page, in_app, factories, yesterday, tmp_path):
    with in_app():
        clerk = factories.user(role="mediator")
        username = clerk.username

    bad = ledger_file(
        tmp_path / "bad.xlsx",
        [
            ["富政复〔2026〕901号", "行政复议", "富阳区城市管理局", "周八", yesterday],
            ["富政复〔2026〕902号", "行政裁决", "富阳区城市管理局", "吴九", yesterday],
        ],
    )
    login(page, username)
    upload(page, bad)
    expect(page.locator("main h2.error")).to_contain_text("未导入任何数据：1行有误")
    errors = page.locator("table.import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text("案件")
    expect(errors.first.locator("td").nth(1)).to_have_text("3")  # 第3行: the spreadsheet's own row number
    expect(errors.first.locator("td").nth(3)).to_have_text("无法识别的类型：行政裁决。")
    expect(page.locator("form[action='/ledger/confirm']")).to_have_count(0)
    page.goto("/cases")
    assert case_numbers_listed(page) == []

    good = ledger_file(
        tmp_path / "good.xlsx",
        [
            ["富政复〔2026〕901号", "行政复议", "富阳区城市管理局", "周八", yesterday],
            ["富政复〔2026〕902号", "行政复议", "富阳区城市管理局", "吴九", yesterday],
            ["（2026）浙0111行初3号", "行政诉讼", "富阳区人民政府", "郑十", yesterday],
        ],
    )
    upload(page, good)
    expect(page.locator("table.import-errors")).to_have_count(0)
    expect(page.locator("main h2")).to_contain_text("文件检查通过，尚未写入任何数据")
    # Only one sheet in the file, so one summary row. Not found by its 工作表 cell: that shows the internal code
    # "cases" instead of the sheet name 案件 (app bug, templates/ledger/preview.html line 11: {{ entity }}).
    cases_row = page.locator("main table.narrow tbody tr")
    expect(cases_row).to_have_count(1)
    expect(cases_row.locator("td.num.created")).to_have_text("3")
    expect(cases_row.locator("td.num.updated")).to_have_text("0")
    expect(page.locator("main")).to_contain_text("将新建以下单位：")
    expect(page.locator("main")).to_contain_text("富阳区城市管理局")
    other_tab = page.context.new_page()  # same login; the preview stays open in the first tab
    other_tab.goto("/cases")
    assert case_numbers_listed(other_tab) == [], "the preview alone must write nothing"
    other_tab.close()
    confirm = page.locator("form[action='/ledger/confirm'] button[type=submit]")
    expect(confirm).to_have_text("确认导入")
    with page.expect_navigation():
        confirm.click()

    expect(page).to_have_url(re.compile(r"/cases$"))
    expect(page.locator(".flash.info")).to_contain_text("导入完成：新增3条，更新0条，未变化0条")
    imported = ["富政复〔2026〕901号", "富政复〔2026〕902号", "（2026）浙0111行初3号"]
    assert sorted(case_numbers_listed(page)) == sorted(imported)
