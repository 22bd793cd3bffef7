"""Hearings (庭审) in a real browser: a unit names its head on the calendar's hearing, then records the appearance."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, main_form_submit

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        main_form_submit(page, form_selector).click()


@pytest.fixture
def hearing_of_unit_a(in_app, factories, today):
    """A litigation case of unit A with a hearing 3 days ahead; liaisons of unit A and of unit B."""
    from casetrack.extensions import db
    from casetrack.hearings.models import Hearing

    with in_app():
        unit_a, unit_b = factories.unit(name="甲镇人民政府"), factories.unit(name="乙镇人民政府")
        liaison_a = factories.user(role="unit", unit=unit_a)
        liaison_b = factories.user(role="unit", unit=unit_b)
        case = factories.case(
            kind="litigation",
            number="（2026）浙0111行初901号",
            respondent_unit=unit_a,
            received_on=today - timedelta(days=40),
            accepted_on=today - timedelta(days=35),
        )
        hearing = Hearing(
            case=case, held_on=today + timedelta(days=3), court="杭州市富阳区人民法院", courtroom="第三法庭"
        )
        db.session.add(hearing)
        db.session.flush()
        return {
            "id": hearing.id,
            "held_on": hearing.held_on,
            "case_number": case.number,
            "unit_a": unit_a.name,
            "liaison_a": liaison_a.username,
            "liaison_b": liaison_b.username,
        }


def move_hearing_to(in_app, hearing_id: int, day) -> None:
    """The hearing date passes: the test moves the hearing, as waiting would."""
    from casetrack.extensions import db
    from casetrack.hearings.models import Hearing

    with in_app():
        db.session.get(Hearing, hearing_id).held_on = day


def test_unit_names_its_head_from_the_calendar_and_records_the_appearance(
    page, in_app, hearing_of_unit_a, today, yesterday
):
    hearing = hearing_of_unit_a
    login(page, hearing["liaison_a"])
    page.locator("nav.mainnav a[href^='/hearings/calendar']").click()  # 庭审
    expect(page).to_have_url(re.compile(r"/hearings/calendar"))
    expect(page.locator("main h1")).to_contain_text("庭审日历")
    # The week view starts on Monday: 3 days ahead may be in next week.
    if (today + timedelta(days=3)).isocalendar()[:2] != today.isocalendar()[:2]:
        page.locator("main a[rel=next]").click()
    day = page.locator(f".calendar .day[data-day='{hearing['held_on'].isoformat()}']")
    link = day.locator("a.hearing")
    expect(link).to_have_count(1)
    expect(link).to_contain_text(hearing["case_number"])
    expect(link).to_contain_text("未确定出庭负责人")
    link.click()

    expect(page).to_have_url(re.compile(rf"/hearings/{hearing['id']}$"))
    expect(page.locator("main h1")).to_contain_text(hearing["case_number"])
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("杭州市富阳区人民法院")
    expect(facts).to_contain_text("尚未登记")
    # Not before the hearing date.
    expect(page.locator("#appearance-form")).to_have_count(0)

    page.fill("#principal-form input[name=principal_name]", "陈局长")
    page.select_option("#principal-form select[name=principal_title]", "main")
    submit(page, "#principal-form")
    expect(page.locator(".flash.info")).to_contain_text("拟出庭负责人已登记")
    expect(facts).to_contain_text("陈局长 · 主要负责人")
    expect(page.locator("#principal-form input[name=principal_name]")).to_have_value("陈局长")

    move_hearing_to(in_app, hearing["id"], yesterday)
    page.reload()
    form = page.locator("#appearance-form")
    expect(form).to_be_visible()
    form.get_by_label("是", exact=True).check()
    page.fill("#appearance-form input[name=principal_name]", "陈局长")
    page.select_option("#appearance-form select[name=principal_title]", "main")
    form.get_by_label("负责人当庭发言（出声）").check()
    submit(page, "#appearance-form")

    expect(page).to_have_url(re.compile(rf"/hearings/{hearing['id']}$"))
    expect(page.locator(".flash.info")).to_contain_text("出庭情况已登记")
    appearance = page.locator("dl.facts dd.appearance-appeared")
    expect(appearance).to_contain_text("负责人已出庭")
    expect(appearance).to_contain_text("已出声")
    expect(facts).to_contain_text("陈局长 · 主要负责人")


def test_unit_of_another_respondent_gets_404_for_the_hearing(page, hearing_of_unit_a):
    hearing = hearing_of_unit_a
    login(page, hearing["liaison_b"])
    response = page.goto(f"/hearings/{hearing['id']}")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("页面或记录不存在")
    expect(page.locator("main")).not_to_contain_text(hearing["case_number"])

    page.goto(f"/hearings/calendar?view=week&start={hearing['held_on'].isoformat()}")
    expect(page.locator(".calendar a.hearing")).to_have_count(0)


def test_absence_without_a_reason_is_refused(page, in_app, hearing_of_unit_a, yesterday):
    hearing = hearing_of_unit_a
    move_hearing_to(in_app, hearing["id"], yesterday)
    login(page, hearing["liaison_a"])
    page.goto(f"/hearings/{hearing['id']}")
    form = page.locator("#appearance-form")
    form.get_by_label("否", exact=True).check()
    submit(page, "#appearance-form")

    expect(page).to_have_url(re.compile(rf"/hearings/{hearing['id']}$"))
    expect(page.locator(".flash.error")).to_contain_text("负责人未出庭的，须填写原因")
    expect(page.locator("dl.facts dd.appearance-to_record")).to_contain_text("尚未登记")
    expect(page.locator("main")).not_to_contain_text("负责人未出庭（待审批）")
