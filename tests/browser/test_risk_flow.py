"""High-risk cases (高败诉风险案件) in a real browser: a hand flag and its reason, review, the double task force,
action items on both sides, the cross-off request and its approval — each step saying what it did to which case —
and the exported ledger."""

from __future__ import annotations

import re
from datetime import timedelta

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, main_form_submit

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        main_form_submit(page, form_selector).click()


def risk_numbers_listed(page) -> list[str]:
    """The 案号 in the risk queue or ledger table, in order (empty when the page shows no table)."""
    return [text.strip() for text in page.locator("table.risk-cases tbody tr td:first-child a").all_inner_texts()]


def complete_item(page, number: str, measure: str, done_on, evidence: str) -> None:
    """Fill and send the .complete-item form in the items-table row of the measure of case ``number``."""
    row = page.locator("table.items tbody tr[data-item]", has_text=measure)
    form = row.locator("form.complete-item")
    expect(form).to_have_count(1)
    form.locator("input[name=done_on]").fill(done_on.isoformat())
    form.locator("input[name=evidence]").fill(evidence)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator(".flash.info")).to_have_text(f"措施已完成：案件 {number}。")
    expect(row.locator("form.complete-item")).to_have_count(0)
    expect(row).to_contain_text(done_on.isoformat())
    expect(row).to_contain_text(evidence)


def test_flagged_case_is_crossed_off_by_the_double_task_force_and_exported(
    new_page, in_app, factories, today, tmp_path
):
    number = "富政复〔2026〕931号"
    legal_measure = "法制局组织案件研判，梳理证据与程序问题"
    unit_measure = "住建局补充提交征收补偿证据材料"
    due = today + timedelta(days=7)
    with in_app():
        unit = factories.unit(name="区住建局")
        legal = factories.user(role="legal", display_name="法制局王审核")
        mediator = factories.user(role="mediator", display_name="调解中心李调解")
        liaison = factories.user(role="unit", unit=unit, display_name="住建局赵联络")
        case = factories.case(
            kind="review",
            number=number,
            respondent_unit=unit,
            matter="expropriation",
            received_on=today - timedelta(days=10),
        )
        assert case.status == "received"
        legal_name, legal_id, legal_label = legal.username, legal.id, legal.label
        mediator_name, mediator_label = mediator.username, mediator.label
        liaison_name, liaison_id, liaison_label = liaison.username, liaison.id, liaison.label
        case_id = case.id

    # --- the mediator flags the case by hand --------------------------------------------------------------------
    page = new_page()
    login(page, mediator_name)
    page.goto(f"/cases/{case_id}")
    risk_panel = page.locator("section#risk")
    expect(risk_panel.locator("a[href^='/risk/']")).to_have_count(0)  # not a risk case yet
    flag_form = page.locator("#flag-form")
    expect(flag_form.locator("select[name=flag] option[value=hand]")).to_have_text("人工纳入风险库")
    flag_form.locator("select[name=flag]").select_option("hand")
    flag_form.locator("input[name=reason]").fill("申请人多次信访，媒体已关注")
    submit(page, "#flag-form")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator(".flash.info")).to_have_text(f"已标记案件 {number}（人工纳入风险库），风险分已更新。")
    risk_link = risk_panel.locator("a[href^='/risk/']")
    expect(risk_link).to_have_text("风险案件: 待审核")
    risk_path = risk_link.get_attribute("href")
    assert re.fullmatch(r"/risk/\d+", risk_path), risk_path

    # --- the legal bureau reviews it and forms the double task force ---------------------------------------------
    page = new_page()
    login(page, legal_name)
    page.locator("nav.mainnav a[href='/risk/']").click()  # 风险案件
    expect(page.locator("main h1")).to_have_text("风险案件待办")
    assert risk_numbers_listed(page) == [number]
    queue_row = page.locator("table.risk-cases tbody tr").first
    expect(queue_row).to_contain_text("区住建局")
    expect(queue_row).to_contain_text("待审核")
    expect(queue_row).to_contain_text("人工")  # the 'flagged by hand' tag
    page.get_by_role("link", name=number, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(risk_path)}$"))
    risk_url = page.url
    state = page.locator("#risk-state")
    expect(state).to_have_text("待审核")
    # Why it is here: the mediator's reason, with who gave it.
    flag = page.locator("#risk-flags li[data-flag=hand]")
    expect(flag).to_contain_text("人工纳入风险库")
    expect(flag).to_contain_text("申请人多次信访，媒体已关注")
    expect(flag).to_contain_text(mediator_label)

    confirm = page.locator("#confirm-form")
    confirm.locator("select[name=legal_lead_id]").select_option(str(legal_id))
    confirm.locator("select[name=unit_lead_id]").select_option(str(liaison_id))
    expect(confirm.locator("select[name=unit_lead_id] option:checked")).to_have_text(liaison_label)
    submit(page, "#confirm-form")
    assert page.url == risk_url
    expect(page.locator(".flash.info")).to_have_text(f"已确认风险并组建双专班：案件 {number}。")
    expect(state).to_have_text("专班办理中")
    task_force = page.locator("ul.task-force")
    expect(task_force).to_contain_text(f"法制专班: {legal_label}")
    expect(task_force).to_contain_text(f"单位专班: {liaison_label}")
    expect(page.locator("#confirm-form")).to_have_count(0)

    for side, owner_id, measure in (("legal", legal_id, legal_measure), ("unit", liaison_id, unit_measure)):
        item_form = page.locator("#item-form")
        item_form.locator("select[name=side]").select_option(side)
        item_form.locator("select[name=owner_id]").select_option(str(owner_id))
        item_form.locator("input[name=due_on]").fill(due.isoformat())
        item_form.locator("textarea[name=text]").fill(measure)
        submit(page, "#item-form")
        expect(page.locator(".flash.info")).to_have_text(f"已添加措施：案件 {number}，期限 {due.isoformat()}。")

    items = page.locator("table.items tbody tr[data-item]")
    expect(items).to_have_count(2)
    legal_row = items.filter(has_text=legal_measure)
    unit_row = items.filter(has_text=unit_measure)
    expect(legal_row).to_contain_text("法制专班")
    expect(legal_row).to_contain_text(legal_label)
    expect(legal_row).to_contain_text(due.isoformat())
    expect(unit_row).to_contain_text("单位专班")
    expect(unit_row).to_contain_text(liaison_label)

    complete_item(page, number, legal_measure, today, "研判会议纪要")
    # Not everything is done yet: the legal bureau itself may ask for the cross-off, but it would be refused.
    expect(state).to_have_text("专班办理中")

    # --- the unit liaison completes its item and asks for the cross-off -----------------------------------------
    page = new_page()
    login(page, liaison_name)
    page.goto(risk_path)
    state = page.locator("#risk-state")
    expect(state).to_have_text("专班办理中")
    expect(page.locator("#item-form")).to_have_count(0)  # only the legal bureau assigns items
    expect(page.locator("#approve-form")).to_have_count(0)
    complete_item(page, number, unit_measure, today, "补充证据清单及提交回执")

    request = page.locator("#request_cross_off-form")
    request.locator("select[name=resolution]").select_option("won")
    expect(request.locator("select[name=resolution] option:checked")).to_have_text("胜诉")
    submit(page, "#request_cross_off-form")
    expect(page.locator(".flash.info")).to_have_text(f"已申请销号：案件 {number}。")
    expect(state).to_have_text("已申请销号")
    expect(page.locator("dl.facts")).to_contain_text("胜诉")
    expect(page.locator("#request_cross_off-form")).to_have_count(0)
    expect(page.locator("#approve-form")).to_have_count(0)  # the unit cannot approve its own request

    # --- the legal bureau approves; the case leaves the queue and stays in the ledger ---------------------------
    page = new_page()
    login(page, legal_name)
    page.goto(risk_path)
    state = page.locator("#risk-state")
    expect(state).to_have_text("已申请销号")
    expect(page.locator("#send_back-form")).to_have_count(1)
    submit(page, "#approve-form")
    expect(page.locator(".flash.info")).to_have_text(f"已销号：案件 {number}。")
    expect(state).to_have_text("已销号")
    expect(page.locator("dl.facts")).to_contain_text(today.isoformat())  # 销号日期
    expect(page.locator("main form.transition")).to_have_count(0)  # nothing more to do

    page.locator("nav.mainnav a[href='/risk/']").click()
    expect(page.locator("main h1")).to_have_text("风险案件待办")
    assert risk_numbers_listed(page) == []
    expect(page.locator("main")).not_to_contain_text(number)

    page.get_by_role("link", name="风险案件台账", exact=True).click()
    expect(page).to_have_url(re.compile(r"/risk/ledger$"))
    expect(page.locator("main h1")).to_have_text("风险案件台账")
    assert risk_numbers_listed(page) == [number]
    ledger_row = page.locator("table.risk-cases tbody tr").first
    expect(ledger_row).to_contain_text("已销号")
    expect(ledger_row).to_contain_text("2/2")

    with page.expect_download() as download_info:
        page.locator("a[href^='/risk/ledger.xlsx']").click()  # 导出Excel
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[0] == "案号"
    record = dict(zip(header, next(row for row in rows if row[0] == number), strict=True))
    assert record["状态"] == "已销号"
    assert record["被申请人/被告"] == "区住建局"
    assert record["法制专班牵头人"] == legal_label
    assert record["单位专班牵头人"] == liaison_label
    assert (record["措施数"], record["已完成措施"]) == (2, 2)
    assert record["销号结果"] == "胜诉"
