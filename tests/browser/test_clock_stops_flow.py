"""补正 and 中止 in a real browser: the legal bureau sends a correction notice and records the material; a handler
suspends a case, sees it listed as suspended and out of the overdue list, and resumes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import case_numbers_listed, login

pytestmark = pytest.mark.browser


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_the_legal_bureau_requests_a_correction_then_records_the_material(page, in_app, factories, today):
    number = "富政复〔2026〕701号"
    with in_app():
        from casetrack.cases.services import refresh_derived

        legal = factories.user(role="legal")
        case = factories.case(number=number, received_on=today - timedelta(days=2))
        refresh_derived(case)
        username, case_id = legal.username, case.id

    login(page, username)
    page.goto(f"/cases/{case_id}")
    form = page.locator("form[action$='/request_correction']")
    form.locator("textarea[name=items]").fill("申请人身份证明复印件；被申请行政行为的决定书")
    form.locator("input[name=on]").fill((today - timedelta(days=1)).isoformat())
    submit(page, form)
    expect(page.locator("main h1 .status")).to_have_text("待补正")
    expect(page.locator("#correction")).to_contain_text("被申请行政行为的决定书")
    deadlines = page.locator("table.deadlines")
    expect(deadlines).to_contain_text("申请人提交补正材料")
    expect(deadlines).to_contain_text("《行政复议法》第三十一条")
    expect(deadlines).not_to_contain_text("审查是否受理")  # no admission period while waiting

    form = page.locator("form[action$='/correction_received']")
    form.locator("input[name=on]").fill(today.isoformat())
    submit(page, form)
    expect(page.locator("main h1 .status")).to_have_text("已收案")
    expect(page.locator("#correction")).to_contain_text("已收到补正材料")
    admission = page.locator("table.deadlines tr", has_text="审查是否受理")
    expect(admission).to_contain_text("《行政复议法》第三十条")
    expect(page.locator("table.history")).to_contain_text("收到补正材料")


def test_a_handler_suspends_a_case_and_resumes_it(page, in_app, factories, today):
    number = "富政复〔2026〕702号"
    accepted = today - timedelta(days=90)
    with in_app():
        from casetrack.cases.services import refresh_derived

        clerk = factories.user(role="mediator")
        case = factories.case(
            number=number,
            received_on=accepted,
            accepted_on=accepted,
            copy_sent_on=accepted,
            answer_received_on=accepted,
            handler_id=clerk.id,
        )
        refresh_derived(case)
        username, case_id = clerk.username, case.id

    login(page, username)
    page.goto("/cases?deadline=overdue")
    assert case_numbers_listed(page) == [number]

    page.goto(f"/cases/{case_id}")
    due_before = page.locator("table.deadlines tr", has_text="作出行政复议决定").locator("td.nowrap").inner_text()
    form = page.locator("form[action$='/suspend']")
    form.locator("select[name=reason_code]").select_option("awaiting_other_case")
    form.locator("input[name=on]").fill((today - timedelta(days=40)).isoformat())
    submit(page, form)
    expect(page.locator("main h1 .status")).to_contain_text("已中止")
    expect(page.locator("main h1 .status")).to_contain_text("已41天")
    expect(page.locator("table.deadlines")).to_contain_text("已中止：期限暂停计算")
    expect(page.locator("#suspensions")).to_contain_text("案件审理需要以其他案件的审理结果为依据")

    page.goto("/cases?deadline=overdue")
    assert case_numbers_listed(page) == []
    page.goto("/cases")
    page.get_by_role("link", name="中止案件", exact=True).click()
    expect(page.locator("#suspended-cases")).to_contain_text(number)

    page.goto(f"/cases/{case_id}")
    form = page.locator("form[action$='/resume']")
    form.locator("input[name=on]").fill((today - timedelta(days=10)).isoformat())
    submit(page, form)
    expect(page.locator("main h1 .status")).to_have_text("已受理")
    decision = page.locator("table.deadlines tr", has_text="作出行政复议决定")
    expect(decision).to_contain_text("因中止顺延30天")
    assert decision.locator("td.nowrap").inner_text() != due_before
    expect(page.locator("#suspensions")).to_contain_text((today - timedelta(days=10)).isoformat())
