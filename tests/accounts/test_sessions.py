"""Issue 10, item 3: a session ends for good. A saved copy of the session or remember cookie stops working after
logout, a password change, an administrator's reset or a deactivation; changing one's own password needs the
current one."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.accounts.services import password_matches
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import PASSWORD

COOKIES = ("session", "remember_token")


@pytest.fixture
def clerk(factories):
    user = factories.user(username="clerk", role="mediator")
    db.session.commit()
    return user


def remembered_login(app, username: str = "clerk", password: str = PASSWORD) -> Auth:
    """A client logged in with "stay logged in" ticked, so it holds both cookies."""
    auth = Auth(app.test_client())
    token = csrf_token(auth.client, "/login")
    response = auth.client.post(
        "/login", data={"username": username, "password": password, "remember": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    auth.token = csrf_token(auth.client, "/account/password")
    assert all(auth.client.get_cookie(name) for name in COOKIES)
    return auth


def saved(auth: Auth) -> dict[str, str]:
    return {name: auth.client.get_cookie(name).value for name in COOKIES}


def replay(app, cookies: dict[str, str], *names: str):
    """A new browser given copies of some of the saved cookies; returns its answer to /cases."""
    browser = app.test_client()
    for name in names:
        browser.set_cookie(name, cookies[name])
    return browser.get("/cases")


def assert_sent_to_login(response) -> None:
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def change_password(auth: Auth, current: str, new: str):
    return auth.post("/account/password", data={"current_password": current, "password": new})


def test_saved_session_and_remember_cookies_work_until_logout_and_not_after(app, clerk):
    auth = remembered_login(app)
    cookies = saved(auth)
    assert replay(app, cookies, "session").status_code == 200
    assert replay(app, cookies, "remember_token").status_code == 200
    auth.post("/logout")
    assert_sent_to_login(auth.get("/cases"))
    assert_sent_to_login(replay(app, cookies, "session"))
    assert_sent_to_login(replay(app, cookies, "remember_token"))
    assert_sent_to_login(replay(app, cookies, "session", "remember_token"))


def test_logout_ends_the_users_other_browsers_too(app, clerk):
    office, home = remembered_login(app), remembered_login(app)
    office.post("/logout")
    assert_sent_to_login(home.get("/cases"))


def test_a_password_change_ends_saved_cookies_but_keeps_this_browser_logged_in(app, clerk):
    auth = remembered_login(app)
    cookies = saved(auth)
    other_browser = remembered_login(app)
    response = change_password(auth, PASSWORD, "Brand-new-2026")
    assert response.status_code == 302
    assert auth.get("/cases").status_code == 200
    assert_sent_to_login(replay(app, cookies, "session"))
    assert_sent_to_login(replay(app, cookies, "remember_token"))
    assert_sent_to_login(other_browser.get("/cases"))
    # This browser's remember cookie was issued again with the new version.
    assert replay(app, saved(auth), "remember_token").status_code == 200
    db.session.expire_all()
    assert password_matches(db.session.get(User, clerk.id).password_hash, "Brand-new-2026")


def test_a_wrong_current_password_is_refused_in_chinese_and_changes_nothing(app, clerk):
    auth = remembered_login(app)
    cookies = saved(auth)
    before = (clerk.password_hash, clerk.session_version, db.session.scalar(select(func.count(AuditEntry.id))))
    response = change_password(auth, "not-my-password", "Brand-new-2026")
    assert response.status_code == 200
    assert "当前密码不正确" in response.get_data(as_text=True)
    missing = auth.post("/account/password", data={"password": "Brand-new-2026"})
    assert missing.status_code == 200
    db.session.expire_all()
    user = db.session.get(User, clerk.id)
    assert (user.password_hash, user.session_version, db.session.scalar(select(func.count(AuditEntry.id)))) == before
    assert replay(app, cookies, "session").status_code == 200


def test_guessing_the_current_password_is_throttled_like_a_login(app, clerk):
    auth = remembered_login(app)
    for _ in range(app.config["CASETRACK_LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        change_password(auth, "guess", "Brand-new-2026")
    response = change_password(auth, PASSWORD, "Brand-new-2026")
    assert response.status_code == 429
    db.session.expire_all()
    assert password_matches(db.session.get(User, clerk.id).password_hash, PASSWORD)


def test_the_new_password_must_differ_and_pass_the_policy(app, clerk):
    auth = remembered_login(app)
    assert "不能与当前密码相同" in change_password(auth, PASSWORD, PASSWORD).get_data(as_text=True)
    change_password(auth, PASSWORD, "short")
    db.session.expire_all()
    assert db.session.get(User, clerk.id).session_version == clerk.session_version
    assert auth.get("/cases").status_code == 200


def test_an_admin_reset_and_a_deactivation_end_the_users_sessions(app, clerk, login_as):
    admin = login_as("admin")
    auth = remembered_login(app)
    cookies = saved(auth)
    admin.post(
        f"/admin/users/{clerk.id}",
        data={"username": "clerk", "role": "mediator", "unit_id": 0, "password": "Reset-by-admin-1"},
    )
    assert_sent_to_login(replay(app, cookies, "session"))
    assert_sent_to_login(replay(app, cookies, "remember_token"))

    auth = remembered_login(app, "clerk", "Reset-by-admin-1")
    cookies = saved(auth)
    security = login_as("security")
    security.post(f"/admin/users/{clerk.id}/active")
    security.post(f"/admin/users/{clerk.id}/active")
    db.session.expire_all()
    assert db.session.get(User, clerk.id).active
    assert_sent_to_login(replay(app, cookies, "session"))
    assert_sent_to_login(replay(app, cookies, "remember_token"))


def test_the_remember_cookie_lasts_two_weeks(app, clerk):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    auth = remembered_login(app)
    expires = auth.client.get_cookie("remember_token").expires
    assert expires is not None and expires - datetime.now(UTC) < timedelta(days=15)


def test_a_cookie_from_before_session_versions_names_nobody(app, clerk):
    loader = app.login_manager._user_callback
    assert loader(f"{clerk.id}") is None
    assert loader(f"{clerk.id}:{clerk.session_version}") == clerk
    assert loader(f"{clerk.id}:{clerk.session_version - 1}") is None
