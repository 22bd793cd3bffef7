"""Issue 18 in a real browser: enrolling the second factor, signing in with a code and with a recovery code, an
expired password changed on the way in, and an idle session ended (its timeout set short)."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from casetrack import clock
from tests.browser.helpers import PASSWORD, logout, main_form_submit

pytestmark = pytest.mark.browser


def password_step(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        main_form_submit(page).click()


def submit_code(page, code: str) -> None:
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        main_form_submit(page).click()


@pytest.fixture
def legal_signs_in_with_a_code(live_app, monkeypatch):
    monkeypatch.setitem(live_app.config, "CASETRACK_MFA_ROLES", "legal")


def test_the_legal_bureau_enrols_then_signs_in_with_a_code_and_with_a_recovery_code(
    page, in_app, factories, legal_signs_in_with_a_code, monkeypatch
):
    with in_app():
        factories.user(role="legal", username="fazhi")

    password_step(page, "fazhi")
    expect(page).to_have_url(re.compile(r"/login/second-step$"))
    expect(page.locator("h1")).to_have_text("设置第二重认证")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("code.secret").inner_text()
    submit_code(page, pyotp.TOTP(secret).now())
    expect(page.locator("h1")).to_have_text("您的恢复码")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.get_by_role("link", name="已妥善保存，继续").click()
    expect(page).to_have_url(re.compile(r"/risk/"))
    logout(page)

    later = clock.utc_now() + timedelta(seconds=60)
    monkeypatch.setattr(clock, "source", lambda: later)
    password_step(page, "fazhi")
    expect(page.locator("h1")).to_have_text("登录第二步")
    submit_code(page, "123456")
    expect(page.locator(".flash.error")).to_contain_text("验证码错误或已使用过")
    submit_code(page, pyotp.TOTP(secret).at(later))
    expect(page).to_have_url(re.compile(r"/risk/"))
    logout(page)

    password_step(page, "fazhi")
    submit_code(page, codes[3])
    expect(page).to_have_url(re.compile(r"/risk/"))
    expect(page.locator(".flash")).to_contain_text("还剩 9 个")


def test_an_expired_password_is_changed_on_the_way_in(page, in_app, factories):
    with in_app():
        factories.user(role="mediator", username="laomima", password_changed_at=clock.utc_now() - timedelta(days=120))

    password_step(page, "laomima")
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/account/password$"))
    expect(page.locator("main")).to_contain_text("您的密码已超过 90 天")
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=password]", "Xin-de-mi-ma-2026")
    with page.expect_navigation():
        main_form_submit(page).click()
    expect(page).to_have_url(re.compile(r"/notifications/"))
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/cases$"))


def test_an_idle_session_ends_and_says_why(page, in_app, factories, monkeypatch):
    from casetrack.accounts import services

    with in_app():
        factories.user(role="mediator", username="tiaojie")
        services.save_policy(
            factories.user(role="security"), idle=1, single=False, min_length=10, classes=3, history=5, max_age_days=90
        )
    password_step(page, "tiaojie")
    expect(page).to_have_url(re.compile(r"/notifications/"))
    later = clock.utc_now() + timedelta(minutes=2)
    monkeypatch.setattr(clock, "source", lambda: later)
    page.locator("nav.mainnav a[href='/cases']").click()
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.locator(".flash")).to_contain_text("您已 1 分钟无操作，已退出登录")
