"""What a list says when it shows no rows (issue 11, item 8): a page past the end says so and links to the last
page; a search that finds nothing says no record matches and offers to clear the filters; only a list with nothing
in it at all invites the user to register the first record. The mediation page's success rate without any
concluded mediation is a sentence, not a headline-sized "no figure"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_numbers_listed, login

pytestmark = pytest.mark.browser

NUMBERS = ("富政复〔2026〕601号", "富政复〔2026〕602号", "富政复〔2026〕603号")


@pytest.fixture
def clerk(in_app, factories):
    with in_app():
        return factories.user(role="mediator").username


@pytest.fixture
def three_cases(in_app, factories, clerk):
    with in_app():
        unit = factories.unit(name="区住建局")
        for number in NUMBERS:
            factories.case(number=number, respondent_unit=unit)
    return clerk


def test_an_empty_register_invites_the_first_case(page, clerk):
    login(page, clerk)
    page.goto("/cases")
    empty = page.locator("#list-empty")
    expect(empty).to_contain_text("暂无案件。")
    expect(empty.get_by_role("link", name="登记第一件案件")).to_have_attribute("href", "/cases/new")
    expect(empty).not_to_contain_text("筛选")


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(page, three_cases):
    login(page, three_cases)
    page.goto("/cases?per_page=2&page=999")
    expect(page.locator("p.count")).to_have_text(f"共{len(NUMBERS)}件")
    empty = page.locator("#list-empty")
    expect(empty).to_contain_text("没有第999页：列表共2页。")
    expect(empty).not_to_contain_text("登记第一件案件")
    with page.expect_navigation():
        empty.get_by_role("link", name="转到最后一页").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2\b"))
    expect(page).to_have_url(re.compile(r"[?&]per_page=2\b"))  # the same list, only its last page
    assert len(case_numbers_listed(page)) == len(NUMBERS) - 2


def test_a_search_that_finds_nothing_offers_to_clear_the_filters(page, three_cases):
    login(page, three_cases)
    page.goto("/cases")
    page.fill("form.filters input[name=q]", "查无此人")
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").click()
    empty = page.locator("#list-empty")
    expect(empty).to_contain_text("没有符合筛选条件的案件。")
    expect(empty).not_to_contain_text("登记第一件案件")
    with page.expect_navigation():
        empty.get_by_role("link", name="清除筛选条件").click()
    assert sorted(case_numbers_listed(page)) == sorted(NUMBERS)


def test_the_mediation_page_without_mediations_says_so_in_a_sentence(page, clerk, today):
    login(page, clerk)
    page.goto("/mediations/")
    expect(page.locator("#success-rate")).to_have_count(0)
    rate = page.locator("#success-rate-empty")
    expect(rate).to_have_text(f"{today.year}暂无办结的调解，因此尚无调解成功率（撤回的不计入）。")
    body_size = page.evaluate("getComputedStyle(document.body).fontSize")
    assert rate.evaluate("el => getComputedStyle(el).fontSize") == body_size  # not the 2rem headline figure
    empty = page.locator("#list-empty")
    expect(empty).to_contain_text("暂无调解。")
    expect(empty.get_by_role("link", name="登记第一件纠纷")).to_have_attribute("href", "/mediations/new")


def test_a_mediation_search_that_finds_nothing_offers_to_clear_it(page, in_app, factories, clerk, today):
    with in_app():
        factories.mediation(factories.unit(), "富调〔2026〕7号", "succeeded", concluded_on=today)
    login(page, clerk)
    page.goto("/mediations/?q=查无此人")
    expect(page.locator("#success-rate")).to_have_text("100.00%")
    empty = page.locator("#list-empty")
    expect(empty).to_contain_text("没有符合筛选条件的调解。")
    with page.expect_navigation():
        empty.get_by_role("link", name="清除筛选条件").click()
    expect(page.locator("table.mediations tbody tr")).to_have_count(1)
