"""A fresh demo on its first morning, in a real browser: each demo user logs in through the form and finds the
role's work on the page it lands on — the figures and what waits for the leader, the legal bureau's queue, the
reminders of the mediation center and of the units' liaisons, the administrator's users and calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from casetrack.clock import local_today
from casetrack.demo.plan import district_plan
from casetrack.demo.services import seed
from casetrack.interviews.services import proposals
from casetrack.workdays.services import years_needing_schedule
from tests.browser.helpers import login

pytestmark = pytest.mark.browser

#: 09:30 on a Wednesday in Fuyang: the demo is loaded, and the pages are read, on this day.
MORNING = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)


@pytest.fixture
def demo(in_app, frozen_clock):
    frozen_clock(MORNING)
    with in_app():
        today = local_today()
        password = seed(today)["password"]
        plan = district_plan(today)
        return {
            "password": password,
            "story": {
                name: plan.story(name).number
                for name in ("task_force", "awaiting_review", "review_overdue", "hearing_fuchun", "hearing_market")
            },
            "proposed": [p.unit.name for p in proposals(today)],
            "calendar_missing": years_needing_schedule(today),
            "last_year": today.year - 1,
        }


def row_with(page, table: str, text: str):
    return page.locator(f"{table} tbody tr", has=page.get_by_text(text, exact=False))


def test_each_demo_role_finds_its_work_on_the_page_it_lands_on(new_page, demo):
    story, password = demo["story"], demo["password"]

    page = new_page()
    login(page, "lingdao", password)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator("#agenda-proposals")).to_contain_text(demo["proposed"][0])
    hearings = page.locator("#agenda-hearings")
    # A leader's month ahead, by unit: 富春街道's hearing still needs a head.
    expect(hearings.get_by_role("link", name="富春街道")).to_have_attribute(
        "href", re.compile(r"^/hearings/calendar\?")
    )
    expect(page.locator("#agenda-risk")).to_contain_text("高风险案件")

    # The deputy district head finds the units they oversee first, beside the district.
    page = new_page()
    login(page, "fuquzhang", password)
    expect(page.locator("#table-overseen tbody tr").first.locator("th")).to_contain_text("区住建局")
    expect(page.locator("#table-overseen tbody tr").last.locator("th")).to_have_text("全区")
    expect(page.locator("#agenda-hearings .tag").first).to_have_text("分管")
    report = page.locator(f"#agenda-report a[href='/reports/{demo['last_year']}.docx']")
    expect(report).to_be_visible()
    # The running year has data through today: every comparison is a figure.
    expect(page.locator("#card-loss-rate .delta")).not_to_have_text("暂无数据")
    expect(page.locator(".stat-cards .card.stat", has_text="暂无数据")).to_have_count(0)

    page = new_page()
    login(page, "sifaju", password)
    expect(page).to_have_url(re.compile(r"/risk/$"))
    expect(row_with(page, "table.risk-cases", story["awaiting_review"])).to_contain_text("待审核")
    task_force = row_with(page, "table.risk-cases", story["task_force"])
    expect(task_force).to_contain_text("专班办理中")
    expect(task_force.locator(".tag.warn")).to_have_text("逾期")

    page = new_page()
    login(page, "tiaojie", password)
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    reminders = page.locator("table.notifications tr.unread")
    expect(reminders.filter(has_text=story["review_overdue"])).to_contain_text("现已超期")
    expect(reminders.filter(has_text="未开展调解")).to_have_count(1)
    expect(page.locator("#unread-count")).to_have_text(str(reminders.count()))

    page = new_page()
    login(page, "fuchun", password)
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    reminders = page.locator("table.notifications tr.unread")
    expect(reminders.filter(has_text=story["hearing_fuchun"])).to_contain_text("请确定出庭负责人")
    expect(reminders.filter(has_text=story["task_force"])).to_contain_text("专班措施已逾期")

    page = new_page()
    login(page, "shijianju", password)
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator("table.notifications tr.unread").filter(has_text=story["hearing_market"])).to_contain_text(
        "请确定出庭负责人"
    )

    page = new_page()
    login(page, "admin", password)
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    for username in ("tiaojie", "sifaju", "fuchun", "shijianju", "lingdao"):
        expect(page.locator("table.grid tbody a", has_text=username)).to_have_count(1)
    for year in demo["calendar_missing"]:
        expect(page.locator("main .calendar-warning")).to_contain_text(str(year))
