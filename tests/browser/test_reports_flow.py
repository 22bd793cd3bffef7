"""The legal bureau builds the annual report in the browser; a leader downloads the Word file; a unit liaison
has no way to it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.helpers import login, logout

pytestmark = pytest.mark.browser


def test_legal_builds_the_report_and_a_leader_downloads_the_word_file(page, in_app, factories, today):
    with in_app():
        unit = factories.unit(name="区市场监管局")
        factories.case(
            respondent_unit=unit, received_on=date(2020, 4, 1), concluded_on=date(2020, 6, 1), outcome="varied"
        )
        legal = factories.user(role="legal").username
        leader = factories.user(role="leader").username
        liaison = factories.user(role="unit", unit=unit).username

    login(page, legal)
    page.locator("nav.mainnav a[href='/reports/']").click()
    expect(page.locator("p.empty")).to_contain_text("尚未生成任何报告")
    # The menu offers the years there is data for: from the case's 2020 to this year, not every year since 2000.
    expect(page.locator("#build-report select[name=year] option")).to_have_text(
        [str(year) for year in range(today.year, 2019, -1)]
    )
    page.select_option("#build-report select[name=year]", "2020")
    with page.expect_navigation():
        page.locator("#build-report button[type=submit]").click()
    expect(page.locator(".flash.info")).to_contain_text("2020年度报告已生成")
    expect(page.locator("#stored-reports tbody tr")).to_have_count(3)
    logout(page)

    login(page, leader)
    page.locator("nav.mainnav a[href='/reports/']").click()
    expect(page.locator("#build-report")).to_have_count(0)
    with page.expect_download() as download_info:
        page.locator("#stored-reports a[href='/reports/2020.docx']").click()
    download = download_info.value
    assert download.suggested_filename == "annual-report-2020.docx"
    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    assert any(p.text.startswith("2020年全区行政复议新发1件") for p in document.paragraphs)
    assert "区市场监管局" in {row.cells[0].text for row in document.tables[0].rows}
    logout(page)

    login(page, liaison)
    expect(page.locator("nav.mainnav a[href='/reports/']")).to_have_count(0)
    response = page.goto("/reports/")
    assert response.status == 403


def test_an_administrator_sees_the_summary_sends_page(page, in_app, factories):
    with in_app():
        admin = factories.user(role="admin").username
    login(page, admin)
    page.locator("nav.mainnav a[href='/admin/summaries/']").click()
    expect(page).to_have_url(re.compile(r"/admin/summaries/$"))
    expect(page.locator("p.empty").first).to_contain_text("领导账号需填写电子邮箱")
    expect(page.locator("#targets p.empty")).to_contain_text("尚无群接收汇总")
