"""Mediation (调解) in a real browser: register a dispute, log sessions, close it, conclude the linked case."""

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


def mediation_numbers_listed(page) -> list[str]:
    """The 调解编号 in a mediation table (center list or work list), in order."""
    return [text.strip() for text in page.locator("main table.grid tbody tr td:first-child a").all_inner_texts()]


def test_mediator_registers_a_dispute_logs_sessions_and_closes_it_as_succeeded(page, in_app, factories, today):
    number = "富调〔2026〕901号"
    received, first_session, second_session = (today - timedelta(days=n) for n in (10, 8, 2))
    with in_app():
        mediator = factories.user(role="mediator")
        unit = factories.unit(name="富阳区自然资源和规划局")
        username, unit_name = mediator.username, unit.name

    login(page, username)
    page.locator("nav.mainnav a[href^='/mediations']").click()  # 调解
    expect(page).to_have_url(re.compile(r"/mediations/$"))
    page.get_by_role("link", name="登记纠纷", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/mediations/new$"))
    page.fill("input[name=number]", number)
    page.select_option("select[name=respondent_unit_id]", label=unit_name)
    page.fill("textarea[name=parties]", "孙八、周九")
    page.fill("textarea[name=subject]", "征地补偿款争议")
    page.fill("input[name=received_on]", received.isoformat())
    submit(page, "main form.form-grid")

    expect(page).to_have_url(re.compile(r"/mediations/\d+$"))
    mediation_url = page.url
    expect(page.locator(".flash.info")).to_contain_text(f"调解 {number} 已登记")
    expect(page.locator("main h1")).to_contain_text(number)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(unit_name)
    expect(facts).to_contain_text("孙八、周九")
    expect(facts).to_contain_text(received.isoformat())
    expect(page.locator("main")).to_contain_text("暂无调解记录")

    for held_on, notes in ((first_session, "首次调解，双方陈述意见"), (second_session, "双方就补偿金额达成一致")):
        page.fill("#session-form input[name=held_on]", held_on.isoformat())
        page.fill("#session-form input[name=participants]", "孙八、周九、调解员")
        page.fill("#session-form textarea[name=notes]", notes)
        submit(page, "#session-form")
        expect(page.locator(".flash.info")).to_contain_text("调解记录已登记")

    sessions = page.locator("table.sessions tbody tr")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(0)).to_contain_text(first_session.isoformat())
    expect(sessions.nth(0)).to_contain_text("首次调解，双方陈述意见")
    expect(sessions.nth(1)).to_contain_text(second_session.isoformat())
    expect(sessions.nth(1)).to_contain_text("双方就补偿金额达成一致")

    # While open, it is on the mediator's work list (they were preset as its mediator).
    page.goto("/mediations/mine")
    assert mediation_numbers_listed(page) == [number]
    page.get_by_role("link", name=number, exact=True).click()
    expect(page).to_have_url(mediation_url)

    page.select_option("#close-form select[name=result]", "succeeded")
    expect(page.locator("#close-form input[name=concluded_on]")).to_have_value(today.isoformat())
    page.fill("#close-form textarea[name=agreement]", "被申请人一次性支付补偿款十二万元")
    submit(page, "#close-form")

    assert page.url == mediation_url
    expect(page.locator(".flash.info")).to_contain_text("调解已办结：调解成功")
    expect(page.locator("main h1 .status")).to_have_text("调解成功")
    expect(facts).to_contain_text("被申请人一次性支付补偿款十二万元")
    expect(facts).to_contain_text(today.isoformat())
    # A closed mediation takes no more sessions, and is not closed twice.
    expect(page.locator("#session-form")).to_have_count(0)
    expect(page.locator("#close-form")).to_have_count(0)
    expect(page.locator("#conclude-case-form")).to_have_count(0)  # no linked case

    page.goto("/mediations/mine")
    expect(page.locator("main h1")).to_have_text("我的待办")
    assert number not in mediation_numbers_listed(page)
    expect(page.locator("main")).not_to_contain_text(number)

    page.goto("/mediations/")
    assert mediation_numbers_listed(page) == [number]
    row = page.locator("table.mediations tbody tr").first
    expect(row).to_contain_text(unit_name)
    expect(row).to_contain_text("调解成功")


def test_succeeded_mediation_concludes_its_accepted_review_case(page, in_app, factories, today):
    from casetrack.mediation import services as mediation_services

    with in_app():
        mediator = factories.user(role="mediator")
        case = factories.case(
            kind="review",
            number="富政复〔2026〕902号",
            received_on=today - timedelta(days=20),
            accepted_on=today - timedelta(days=18),
            status="accepted",
        )
        mediation = mediation_services.register_mediation(
            {"number": "富调〔2026〕902号", "case": case, "parties": "张三", "received_on": today - timedelta(days=15)},
            mediator,
            today,
        )
        username, case_id, case_number, mediation_id = mediator.username, case.id, case.number, mediation.id

    login(page, username)
    page.goto(f"/mediations/{mediation_id}")
    expect(page.locator("dl.facts")).to_contain_text(case_number)
    expect(page.locator("#conclude-case-form")).to_have_count(0)  # not before the mediation succeeded

    page.select_option("#close-form select[name=result]", "succeeded")
    page.fill("#close-form textarea[name=agreement]", "被申请人撤销原处罚决定，申请人撤回复议申请")
    submit(page, "#close-form")
    expect(page.locator("main h1 .status")).to_have_text("调解成功")

    conclude = page.locator("#conclude-case-form")
    expect(conclude).to_be_visible()
    expect(page.locator("section.offer")).to_contain_text(case_number)
    outcomes = conclude.locator("select[name=outcome] option")
    assert sorted(outcomes.evaluate_all("options => options.map(o => o.value)")) == ["mediated", "terminated"]
    page.select_option("#conclude-case-form select[name=outcome]", "terminated")
    expect(conclude.locator("select[name=outcome] option:checked")).to_have_text("终止")
    submit(page, "#conclude-case-form")

    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator(".flash.info")).to_contain_text(f"案件 {case_number} 已审结")
    expect(page.locator("main h1 .status")).to_have_text("已审结")
    expect(page.locator("#mediations")).to_contain_text("富调〔2026〕902号")

    # Back on the mediation page the offer is gone: the case is no longer open.
    page.goto(f"/mediations/{mediation_id}")
    expect(page.locator("#conclude-case-form")).to_have_count(0)
