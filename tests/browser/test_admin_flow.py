"""An administrator adds a colleague, who can then log in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, logout, main_form_submit

pytestmark = pytest.mark.browser


def test_admin_creates_a_mediator_who_can_then_log_in(page, in_app, factories):
    with in_app():
        admin = factories.user(role="admin")
        admin_name = admin.username

    login(page, admin_name)
    page.locator("nav.mainnav a[href='/admin/users']").click()
    page.locator(".pagehead a[href='/admin/users/new']").click()
    expect(page).to_have_url(re.compile(r"/admin/users/new$"))
    page.fill("input[name=username]", "wangxiaoming")
    page.fill("input[name=display_name]", "王小明")
    page.select_option("select[name=role]", "mediator")
    page.fill("input[name=email]", "wangxiaoming@fuyang.gov.cn")
    page.fill("input[name=password]", "Tiaojie-2026")
    with page.expect_navigation():
        main_form_submit(page, "main form.form-grid").click()

    expect(page).to_have_url(re.compile(r"/admin/users$"))
    row = page.locator("table.grid tbody tr", has=page.locator("a", has_text="wangxiaoming"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("王小明")

    logout(page)
    login(page, "wangxiaoming", "Tiaojie-2026")
    # The administrator chose that password: its first use is to choose one of the colleague's own.
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/account/password$"))
    page.fill("input[name=current_password]", "Tiaojie-2026")
    page.fill("input[name=password]", "Wang-xiaoming-88")
    with page.expect_navigation():
        main_form_submit(page).click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))  # the mediation center opens on its reminders
    expect(page.locator("header .who")).to_contain_text("王小明")
    page.locator("nav.mainnav a[href='/cases']").click()
    expect(page.get_by_role("link", name="登记案件", exact=True)).to_be_visible()
