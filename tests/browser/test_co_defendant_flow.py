"""Issue 12 item 6 in a real browser: the legal bureau names the district government as co-defendant of a lawsuit
after an upheld review (proposed on the case page), the district government's liaison then sees the case, and
another unit's liaison does not."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_numbers_listed, login, logout

pytestmark = pytest.mark.browser


def test_a_co_defendants_liaison_sees_the_case_and_another_units_does_not(page, in_app, factories, yesterday):
    with in_app():
        bureau = factories.unit(name="富阳区市场监督管理局")
        district = factories.unit(name="富阳区人民政府", kind="district")
        other = factories.unit(name="东洲街道办事处", kind="town")
        factories.case(
            kind="review",
            respondent_unit=bureau,
            applicants=["孙八"],
            number="富政复〔2025〕41号",
            accepted_on=date(2025, 3, 3),
            concluded_on=date(2025, 4, 20),
            outcome="upheld",
        )
        lawsuit = factories.case(
            kind="litigation", respondent_unit=bureau, applicants=["孙八"], number="（2026）浙0111行初41号"
        )
        legal = factories.user(role="legal")
        co_liaison = factories.user(role="unit", unit=district)
        outsider = factories.user(role="unit", unit=other)
        names = legal.username, co_liaison.username, outsider.username
        lawsuit_id, number = lawsuit.id, lawsuit.number

    login(page, names[0])
    page.goto(f"/cases/{lawsuit_id}")
    proposal = page.locator("#respondents form.proposal")
    expect(proposal).to_contain_text("复议案件富政复〔2025〕41号维持了本案被诉的行政行为")
    with page.expect_navigation():
        proposal.get_by_role("button", name="列为共同被告").click()
    expect(page.locator(".flash.info")).to_contain_text("已添加共同被告")
    expect(page.locator("#co-respondent-list")).to_contain_text("富阳区人民政府")
    expect(page.locator("#co-respondent-list")).to_contain_text("复议机关（共同被告）")
    logout(page)

    login(page, names[1])
    page.goto("/cases")
    assert case_numbers_listed(page) == [number]
    page.goto(f"/cases/{lawsuit_id}")
    expect(page.locator("main h1")).to_contain_text(number)
    expect(page.locator("dl.facts")).to_contain_text("富阳区人民政府")
    logout(page)

    login(page, names[2])
    page.goto("/cases")
    assert case_numbers_listed(page) == []
    response = page.goto(f"/cases/{lawsuit_id}")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("页面或记录不存在")
    expect(page).to_have_url(re.compile(rf"/cases/{lawsuit_id}$"))
