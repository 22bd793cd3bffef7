"""The case list, form and page as each role sees them in a real browser (UI in Simplified Chinese)."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_numbers_listed, login, main_form_submit

pytestmark = pytest.mark.browser

FULL_ID = "330183199001011232"  # what tests.factories gives an applicant
MASKED_ID = "330***********1232"


def search(page, text: str) -> None:
    page.fill("form.filters input[name=q]", text)
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()


def test_clerk_registers_a_review_case_finds_it_and_exports_it(page, in_app, factories, yesterday, tmp_path):
    number = "富政复〔2026〕501号"
    with in_app():
        clerk = factories.user(role="mediator")
        unit = factories.unit(name="富阳区市场监督管理局")
        # Another case, so the search and the export have something to leave out.
        factories.case(number="富政复〔2026〕500号", applicants=["王五"])
        username, unit_name = clerk.username, unit.name

    login(page, username)
    page.locator("nav.mainnav a[href='/cases']").click()
    page.get_by_role("link", name="登记案件", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    page.select_option("select[name=kind]", "review")
    page.fill("input[name=number]", number)
    page.select_option("select[name=respondent_unit_id]", label=unit_name)
    page.fill("textarea[name=applicants]", "李四 330183198505051233")
    page.fill("input[name=received_on]", yesterday.isoformat())
    with page.expect_navigation():
        main_form_submit(page, "main form.form-grid").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator(".flash.info")).to_contain_text(f"案件 {number} 已登记")
    expect(page.locator("main h1")).to_contain_text(number)
    expect(page.locator("dl.facts")).to_contain_text("李四")
    expect(page.locator("dl.facts")).to_contain_text(yesterday.isoformat())
    expect(page.locator("table.deadlines")).to_contain_text("《行政复议法》第三十条")

    page.locator(".pagehead a[href='/cases']").click()  # 返回列表
    expect(page).to_have_url(re.compile(r"/cases$"))
    assert sorted(case_numbers_listed(page)) == sorted([number, "富政复〔2026〕500号"])
    search(page, "李四")
    assert case_numbers_listed(page) == [number]

    with page.expect_download() as download_info:
        page.locator("a[href^='/cases/export.xlsx']").click()  # 导出Excel
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    column_a = [row[0] for row in sheet.iter_rows(max_col=1, values_only=True)]
    assert column_a == ["案号", number]  # the list as searched: the other case is not exported


def test_unit_liaison_sees_only_its_own_units_cases(page, in_app, factories):
    with in_app():
        unit_a, unit_b = factories.unit(name="甲街道办事处"), factories.unit(name="乙街道办事处")
        liaison = factories.user(role="unit", unit=unit_a)
        own = factories.case(respondent_unit=unit_a, number="富政复〔2026〕601号", applicants=["赵六"])
        other = factories.case(respondent_unit=unit_b, number="富政复〔2026〕602号", applicants=["钱七"])
        username, own_number, other_id = liaison.username, own.number, other.id

    login(page, username)
    page.goto("/cases")
    assert case_numbers_listed(page) == [own_number]

    response = page.goto(f"/cases/{other_id}")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("页面或记录不存在")
    expect(page.locator("main")).not_to_contain_text("钱七")

    page.goto("/cases")
    search(page, "钱七")
    assert case_numbers_listed(page) == []
    expect(page.locator("table.cases tbody tr")).to_have_count(0)


def test_leader_reads_cases_but_cannot_register_or_import(page, in_app, factories):
    with in_app():
        leader = factories.user(role="leader")
        case = factories.case(number="富政复〔2026〕701号")
        username, number = leader.username, case.number

    login(page, username)
    expect(page).to_have_url(re.compile(r"/dashboard$"))  # leaders land on the figures
    # Wait for the list itself: the dashboard has no case table, so reading at once may read nothing (seen in CI).
    with page.expect_navigation():
        page.locator("nav.mainnav a[href='/cases']").click()
    assert case_numbers_listed(page) == [number]
    expect(page.get_by_role("link", name="登记案件", exact=True)).to_have_count(0)
    expect(page.locator("a[href='/cases/new']")).to_have_count(0)
    expect(page.locator("nav.mainnav").get_by_role("link", name="台账导入")).to_have_count(0)
    expect(page.locator("nav.mainnav a[href^='/ledger']")).to_have_count(0)

    response = page.goto("/cases/new")
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("403")
    expect(page.locator("input[name=number]")).to_have_count(0)


@pytest.mark.parametrize(("role", "shown", "hidden"), [("legal", FULL_ID, MASKED_ID), ("mediator", MASKED_ID, FULL_ID)])
def test_id_number_in_full_only_for_roles_that_may_read_it(page, in_app, factories, role, shown, hidden):
    with in_app():
        reader = factories.user(role=role)
        case = factories.case(applicants=["张三"])
        username, case_id = reader.username, case.id

    login(page, username)
    page.goto(f"/cases/{case_id}")
    id_number = page.locator("code.id-number")
    expect(id_number).to_have_text(shown)
    expect(page.locator("main")).not_to_contain_text(hidden)


def test_second_clerk_saving_a_stale_edit_is_refused(new_page, in_app, factories):
    with in_app():
        first, second = factories.user(role="mediator"), factories.user(role="mediator")
        case = factories.case(number="富政复〔2026〕801号", summary="原摘要")
        first_name, second_name, case_id = first.username, second.username, case.id

    page_1, page_2 = new_page(), new_page()
    login(page_1, first_name)
    login(page_2, second_name)
    page_1.goto(f"/cases/{case_id}/edit")
    page_2.goto(f"/cases/{case_id}/edit")
    expect(page_2.locator("textarea[name=summary]")).to_have_value("原摘要")

    page_1.fill("textarea[name=summary]", "第一位经办人的摘要")
    with page_1.expect_navigation():
        main_form_submit(page_1, "main form.form-grid").click()
    expect(page_1).to_have_url(re.compile(rf"/cases/{case_id}$"))

    page_2.fill("textarea[name=summary]", "第二位经办人的摘要")
    with page_2.expect_navigation() as navigation:
        main_form_submit(page_2, "main form.form-grid").click()
    assert navigation.value.status == 409
    expect(page_2.locator(".flash.error[role=alert]")).to_contain_text("已被他人修改")

    page_2.goto(f"/cases/{case_id}")
    expect(page_2.locator("dl.facts dd.pre")).to_have_text("第一位经办人的摘要")
    expect(page_2.locator("main")).not_to_contain_text("第二位经办人的摘要")


def test_clerk_registers_a_compensation_claim_and_the_form_shows_only_its_fields(page, in_app, factories, yesterday):
    with in_app():
        clerk = factories.user(role="mediator")
        unit = factories.unit(name="区公安分局")
        username, unit_name = clerk.username, unit.name

    login(page, username)
    page.goto("/cases/new")
    page.select_option("select[name=kind]", "review")
    expect(page.locator("input[name=amount_claimed]")).to_be_hidden()
    expect(page.locator("input[name=copy_sent_on]")).to_be_visible()
    page.select_option("select[name=kind]", "compensation")
    expect(page.locator("input[name=amount_claimed]")).to_be_visible()
    expect(page.locator("select[name=instance]")).to_be_hidden()
    expect(page.locator("input[name=copy_sent_on]")).to_be_hidden()
    page.fill("input[name=number]", "富赔〔2026〕31号")
    page.select_option("select[name=respondent_unit_id]", label=unit_name)
    page.fill("textarea[name=applicants]", "孙八")
    page.fill("input[name=received_on]", yesterday.isoformat())
    page.fill("input[name=amount_claimed]", "26000")
    with page.expect_navigation():
        main_form_submit(page, "main form.form-grid").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("dl.facts")).to_contain_text("行政赔偿")
    expect(page.locator("dl.facts")).to_contain_text("26,000.00")
    expect(page.locator("table.deadlines")).to_contain_text("《国家赔偿法》第十三条")
