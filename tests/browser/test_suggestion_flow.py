"""A 检察建议 in a real browser: the legal bureau registers it for a unit; the unit's liaison replies, records the
rectification and files its evidence; the legal bureau accepts it and the dashboard's figure moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, logout
from tests.documents.helpers import pdf_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def people(in_app, factories, today):
    with in_app():
        unit = factories.unit(name="区自然资源局")
        legal = factories.user(role="legal")
        liaison = factories.user(role="unit", unit=unit)
        leader = factories.user(role="leader")
        # A case of the year, so the dashboard has figures to show before the suggestion comes.
        factories.case(number="富政复〔2026〕90号", respondent_unit=unit, received_on=today - timedelta(days=5))
        return {"unit_id": unit.id, "legal": legal.username, "liaison": liaison.username, "leader": leader.username}


def rectified_card(page) -> str:
    page.goto("/dashboard")
    return page.locator("#card-suggestions-rectified .value").inner_text().strip()


def test_the_bureau_registers_the_unit_replies_and_rectifies_and_the_bureau_accepts(page, people, tmp_path, today):
    login(page, people["leader"])
    assert rectified_card(page) == "0"
    logout(page)

    login(page, people["legal"])
    page.goto("/suggestions/")
    expect(page.locator("#suggestions-empty")).to_contain_text("暂无建议")
    page.click("text=登记建议")
    page.select_option("#kind", "procuratorate")
    page.fill("#number", "富检行建〔2026〕21号")
    page.fill("#issuer", "杭州市富阳区人民检察院")
    page.fill("#received_on", (today - timedelta(days=3)).isoformat())
    page.select_option("#unit_ids", str(people["unit_id"]))
    page.fill("#content", "建议规范违法建筑查处程序")
    with page.expect_navigation():
        page.click("form.card button.primary")
    expect(page.locator(".flash.info")).to_contain_text("回复期限为")
    expect(page.locator("#suggestion-state")).to_have_text("已收到")
    logout(page)

    login(page, people["liaison"])
    page.goto("/suggestions/")
    with page.expect_navigation():
        page.click("text=富检行建〔2026〕21号")
    reply = page.locator("#action-reply")
    reply.locator("textarea[name=text]").fill("成立整改专班，逐项整改")
    with page.expect_navigation():
        reply.locator("button[type=submit]").click()
    expect(page.locator("#suggestion-state")).to_have_text("已回复，整改中")

    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(pdf_bytes(2))
    page.select_option("#document-category", "evidence")
    page.set_input_files("#document-files", [str(evidence)])
    with page.expect_navigation():
        page.click("#upload-form button[type=submit]")
    expect(page.locator("#document-list")).to_contain_text("整改报告")

    done = page.locator("#action-report_rectified")
    done.locator("textarea[name=text]").fill("整改报告及现场照片见卷宗")
    with page.expect_navigation():
        done.locator("button[type=submit]").click()
    expect(page.locator("#suggestion-state")).to_have_text("整改待确认")
    # The unit cannot accept its own rectification: it is not offered the step.
    expect(page.locator("#action-accept")).to_have_count(0)
    logout(page)

    login(page, people["legal"])
    page.goto("/suggestions/?state=rectification_reported")
    with page.expect_navigation():
        page.click("text=富检行建〔2026〕21号")
    with page.expect_navigation():
        page.locator("#action-accept button[type=submit]").click()
    expect(page.locator(".flash.info")).to_contain_text("已确认整改完毕")
    expect(page.locator("#suggestion-state")).to_have_text("整改完毕")
    logout(page)

    login(page, people["leader"])
    assert rectified_card(page) == "1"
