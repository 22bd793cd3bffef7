"""The appeal decision in a real browser (行政诉讼法 Art. 85): after a lost first instance the respondent unit's
liaison records 不上诉 with who approved it, and the legal bureau's list of undecided appeals no longer lists it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, logout, main_form_submit

pytestmark = pytest.mark.browser
NUMBER = "（2026）浙0111行初902号"


@pytest.fixture
def lost_case(in_app, factories, today):
    """A first instance unit A lost, the judgment served two days ago; its liaison and a legal-bureau user."""
    with in_app():
        unit = factories.unit(name="甲镇人民政府")
        liaison = factories.user(role="unit", unit=unit)
        legal = factories.user(role="legal")
        case = factories.case(
            kind="litigation",
            number=NUMBER,
            respondent_unit=unit,
            received_on=today - timedelta(days=80),
            accepted_on=today - timedelta(days=78),
            concluded_on=today - timedelta(days=4),
            outcome="revoked",
            judgment_served_on=today - timedelta(days=2),
        )
        from casetrack.workdays.services import current_calendar

        # 15 days from service, past any weekend or holiday it ends on: what the list counts the days left to.
        due = current_calendar().add_calendar_days(case.judgment_served_on, 15)
        return {"id": case.id, "liaison": liaison.username, "legal": legal.username, "left": (due - today).days}


def appeals_listed(page) -> list[str]:
    page.goto("/cases")
    with page.expect_navigation():
        page.locator("#undecided-appeals-link").click()
    expect(page.locator("h1")).to_have_text("待定上诉")
    return [text.strip() for text in page.locator("#appeals tbody tr td:first-child a").all_inner_texts()]


def test_a_unit_records_no_appeal_after_a_loss_and_the_bureaus_list_drops_it(page, lost_case, today):
    login(page, lost_case["legal"])
    assert appeals_listed(page) == [NUMBER]
    expect(page.locator("#appeals")).to_contain_text(f"剩余{lost_case['left']}天")
    logout(page)

    login(page, lost_case["liaison"])
    page.goto(f"/cases/{lost_case['id']}")
    deadlines = page.locator("table.deadlines")
    expect(deadlines).to_contain_text("上诉期限")
    expect(deadlines).to_contain_text("《行政诉讼法》第八十五条")
    form = page.locator("#appeal-form")
    form.locator("select[name=decision]").select_option(label="不上诉")
    form.locator("input[name=approved_by]").fill("王镇长")
    with page.expect_navigation():
        main_form_submit(page, "#appeal-form").click()
    expect(page.locator(".flash.info")).to_contain_text("已记录“不上诉”")
    expect(page.locator("#appeal-decision")).to_contain_text("不上诉")
    expect(page.locator("#appeal-decision")).to_contain_text("王镇长")
    expect(deadlines).to_contain_text(f"{today.isoformat()}完成")  # the deadline is met the day it is decided
    logout(page)

    login(page, lost_case["legal"])
    assert appeals_listed(page) == []
    expect(page.locator("#no-appeals")).to_be_visible()
