"""An administrator enters next year's holiday schedule at once (issue 11, item 1): paste, preview, confirm; the
warning about the year goes only once it is marked complete, and the case crossing into it shows its new date."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login
from tests.workdays.test_views import SCHEDULE_2027

pytestmark = pytest.mark.browser


@pytest.fixture
def december_2026(monkeypatch):
    # The live server runs in this process: the warning's "this year and next" is 2026 and 2027 whatever the date.
    import casetrack.web as web
    import casetrack.workdays.views as views

    monkeypatch.setattr(web, "local_today", lambda: date(2026, 12, 1))
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 1))


def test_admin_pastes_a_schedule_previews_confirms_and_the_warning_is_gone(page, in_app, factories, december_2026):
    with in_app():
        admin = factories.user(role="admin")
        admin_name = admin.username
        case = factories.case(number="富政复〔2026〕99号", received_on=date(2026, 12, 29))
        case_id = case.id

    login(page, admin_name)
    warning = page.locator("main .calendar-warning")
    expect(warning).to_contain_text("2027")
    warning.locator("a").click()
    expect(page).to_have_url(re.compile(r"/admin/calendar/$"))
    page.locator(".pagehead a[href='/admin/calendar/schedule']").click()

    expect(page.locator("input[name=year]")).to_have_value("2027")
    page.fill("textarea[name=text]", SCHEDULE_2027)
    page.check("input[name=complete]")
    page.fill("input[name=source]", "国办发明电〔2026〕7号")
    with page.expect_navigation():
        page.locator("form.schedule-form button[type=submit]").click()

    expect(page.locator("main h1")).to_contain_text("2027年节假日安排：预览")
    expect(page.locator("main h2").first).to_contain_text("尚未写入任何内容")
    expect(page.locator("table.schedule-days tbody tr.change-new")).to_have_count(25)
    moved = page.locator("table.moved tbody tr")
    expect(moved).to_have_count(1)
    expect(moved.locator("td").nth(0)).to_have_text("富政复〔2026〕99号")
    expect(moved.locator("td.before")).to_have_text("2027-01-05 *")
    expect(moved.locator("td.after")).to_have_text("2027-01-06")
    expect(page.locator("main .schedule-summary")).to_contain_text("2027年将标记为录入完整")

    with page.expect_navigation():
        page.locator("form.confirm-schedule button[type=submit]").click()
    expect(page.locator(".calendar-changed h2")).to_have_text("2027年节假日安排已录入。")
    expect(page.locator(".calendar-changed")).to_contain_text("跨入该年的期限为准确日期")
    expect(page.locator("table.moved tbody tr td").first).to_have_text("富政复〔2026〕99号")

    page.locator(".pagehead a[href='/admin/calendar/']").click()
    year = page.locator("#year-2027")
    expect(year).to_contain_text("已录入完整")
    expect(year).to_contain_text("国办发明电〔2026〕7号")
    expect(page.locator(".calendar-missing")).to_have_count(0)
    page.goto(f"/cases/{case_id}")
    expect(page.locator("main")).to_contain_text("2027-01-06")
    expect(page.locator("main")).not_to_contain_text("2027-01-06 *")
    page.goto("/cases")
    expect(page.locator("main .calendar-warning")).to_have_count(0)
