"""听证 of a review case in a real browser (行政复议法 Arts 50–51): staff schedule one from the case page and are
warned of a late notice; the respondent unit's liaison records that the head did not attend, with the reason and
the staff member sent."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, logout, main_form_submit

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        main_form_submit(page, form_selector).click()


@pytest.fixture
def review_of_unit_a(in_app, factories, today):
    """An accepted review of unit A, a legal-bureau clerk and unit A's liaison."""
    with in_app():
        unit_a = factories.unit(name="甲镇人民政府")
        clerk = factories.user(role="legal")
        liaison = factories.user(role="unit", unit=unit_a)
        case = factories.case(
            number="富政复〔2026〕901号",
            respondent_unit=unit_a,
            received_on=today - timedelta(days=30),
            accepted_on=today - timedelta(days=28),
        )
        return {"id": case.id, "number": case.number, "clerk": clerk.username, "liaison": liaison.username}


def move_review_hearing_to(in_app, case_id: int, day) -> int:
    """The hearing day passes: the test moves the case's 听证, as waiting would."""
    from casetrack.extensions import db
    from casetrack.review_hearings.models import ReviewHearing

    with in_app():
        hearing = db.session.query(ReviewHearing).filter_by(case_id=case_id).one()
        hearing.held_on = day
        return hearing.id


def test_staff_schedule_a_hearing_and_the_liaison_records_the_heads_absence_and_the_staff_sent(
    page, in_app, review_of_unit_a, today, yesterday
):
    review = review_of_unit_a
    login(page, review["clerk"])
    page.goto(f"/cases/{review['id']}")
    section = page.locator("#review-hearings")
    expect(section.locator("h2")).to_contain_text("听证")
    expect(section).to_contain_text("尚未安排听证")
    # Two days ahead with the notice out today: short of Art. 51's five working days.
    page.fill("#rh-held-on", (today + timedelta(days=2)).isoformat())
    page.fill("#rh-place", "区行政复议局听证室")
    page.fill("#rh-matters", "行政处罚的事实认定和法律适用")
    page.fill("#rh-notice-sent-on", today.isoformat())
    submit(page, "#review-hearing-form")

    expect(page).to_have_url(re.compile(r"/review-hearings/\d+$"))
    expect(page.locator(".flash.info")).to_contain_text("已安排")
    expect(page.locator(".flash.warn")).to_contain_text("晚于《行政复议法》第五十一条的要求")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("区行政复议局听证室")
    expect(facts).to_contain_text("行政处罚的事实认定和法律适用")
    expect(page.locator("#notice-state .overdue")).to_contain_text("逾期")
    page.goto(f"/cases/{review['id']}")
    expect(page.locator("#review-hearings table")).to_contain_text("区行政复议局听证室")
    expect(page.locator("#review-hearings table")).to_contain_text("逾期")
    logout(page)

    hearing_id = move_review_hearing_to(in_app, review["id"], yesterday)
    login(page, review["liaison"])
    page.goto(f"/cases/{review['id']}")
    expect(page.locator("#review-hearing-form")).to_have_count(0)  # scheduling is the review office's
    page.locator(f"#review-hearings a[href='/review-hearings/{hearing_id}']").click()
    expect(page).to_have_url(re.compile(rf"/review-hearings/{hearing_id}$"))
    expect(page.locator("#notice-form")).to_have_count(0)
    form = page.locator("#attendance-form")
    form.get_by_label("否", exact=True).check()
    page.fill("#attendance-form textarea[name=absence_reason]", "负责人参加市政府专题会议")
    submit(page, "#attendance-form")
    # The staff member sent is required as well: refused, nothing recorded.
    expect(page.locator(".flash.error")).to_contain_text("请填写委托参加的工作人员")
    expect(page.locator("#attendance-state")).to_contain_text("尚未登记")

    form.get_by_label("否", exact=True).check()
    page.fill("#attendance-form textarea[name=absence_reason]", "负责人参加市政府专题会议")
    page.fill("#attendance-form input[name=delegate_name]", "王科长")
    submit(page, "#attendance-form")
    expect(page.locator(".flash.info")).to_contain_text("已记录参加情况")
    expect(page.locator("#attendance-state")).to_contain_text("负责人未参加，已委托工作人员参加")
    expect(facts).to_contain_text("负责人参加市政府专题会议")
    expect(facts).to_contain_text("王科长")
