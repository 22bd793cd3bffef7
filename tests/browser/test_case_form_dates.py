"""The case form in a real browser (issue 11 item 6): a case kind offers only its own outcomes, the one chosen is
still chosen after an error, and a date before the floor is refused with a message in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, main_form_submit

pytestmark = pytest.mark.browser


def offered_outcomes(page) -> list[str]:
    return page.eval_on_selector_all(
        "select[name=outcome] option", "options => options.filter(o => !o.hidden && o.value).map(o => o.textContent)"
    )


def test_the_outcome_list_follows_the_case_kind_and_survives_an_error(page, in_app, factories, yesterday):
    with in_app():
        clerk = factories.user(role="mediator")
        unit = factories.unit(name="富阳区市场监督管理局")
        username, unit_name = clerk.username, unit.name

    login(page, username)
    page.goto("/cases/new")
    page.select_option("select[name=kind]", "review")
    review = offered_outcomes(page)
    assert review and all(label.startswith("行政复议 · ") for label in review)
    page.select_option("select[name=kind]", "litigation")
    litigation = offered_outcomes(page)
    assert litigation and all(label.startswith("行政诉讼 · ") for label in litigation)

    page.select_option("select[name=kind]", "review")
    page.fill("input[name=number]", "富政复〔2026〕601号")
    page.select_option("select[name=respondent_unit_id]", label=unit_name)
    page.fill("input[name=received_on]", "1900-01-01")
    page.fill("input[name=concluded_on]", yesterday.isoformat())
    page.select_option("select[name=outcome]", label="行政复议 · 撤销")
    page.fill("textarea[name=applicants]", "李四")
    with page.expect_navigation():
        main_form_submit(page, "main form.form-grid").click()

    expect(page.locator(".field.has-error")).to_contain_text("不接受早于1990-01-01的日期。")
    expect(page.locator("select[name=outcome] option:checked")).to_have_text("行政复议 · 撤销")
    assert offered_outcomes(page) == review
