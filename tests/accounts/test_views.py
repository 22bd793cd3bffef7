import pytest
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from tests.conftest import Auth, csrf_token


def test_login_page_is_in_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page


def test_english_can_be_chosen(client):
    token = csrf_token(client)
    client.post("/locale/en", data={"csrf_token": token, "next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_a_user_logs_in_and_out(factories, auth):
    factories.user(username="clerk", role="mediator")
    db.session.commit()
    assert auth.login("clerk").status_code == 302
    assert auth.get("/cases").status_code == 200
    auth.post("/logout")
    assert auth.get("/cases").status_code == 302


def test_wrong_password_is_refused_with_a_message(factories, auth):
    factories.user(username="clerk")
    db.session.commit()
    response = auth.login("clerk", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(factories, auth):
    factories.user(username="gone", active=False)
    db.session.commit()
    assert auth.login("gone").status_code == 401


def test_five_failures_lock_the_account_even_with_the_right_password(factories, auth):
    factories.user(username="target")
    db.session.commit()
    for _ in range(5):
        assert auth.login("target", "wrong-password").status_code == 401
    response = auth.login("target")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.get_data(as_text=True)


def test_failures_from_one_address_are_throttled_across_accounts(factories, auth, app):
    app.extensions["login_throttle"].max_per_address = 3
    try:
        for name in ("a1", "a2", "a3"):
            auth.login(name, "wrong-password")
        factories.user(username="innocent")
        db.session.commit()
        assert auth.login("innocent").status_code == 429
    finally:
        app.extensions["login_throttle"].max_per_address = 20


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(factories, client):
    factories.user(username="clerk")
    db.session.commit()
    response = client.post("/login", data={"username": "clerk", "password": "Password-123"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert client.get("/cases").status_code == 302  # still logged out


def test_session_cookie_is_httponly_and_samesite(factories, auth):
    factories.user(username="clerk")
    db.session.commit()
    response = auth.login("clerk")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_does_not_redirect_to_another_site(factories, client):
    factories.user(username="clerk")
    db.session.commit()
    token = csrf_token(client)
    response = client.post(
        "/login?next=//evil.example/x", data={"username": "clerk", "password": "Password-123", "csrf_token": token}
    )
    assert response.headers["Location"] == "/notifications/"  # the clerk's own page: reminders


LANDING = {
    "leader": "/dashboard",
    "legal": "/risk/",
    "mediator": "/notifications/",
    "unit": "/notifications/",
    "admin": "/admin/users",
}


@pytest.mark.parametrize("role", sorted(LANDING))
def test_each_role_lands_on_its_work_after_login_at_the_root_and_at_the_login_page(factories, client, role):
    user = factories.user(role=role)
    db.session.commit()
    auth = Auth(client)
    assert auth.login(user.username).headers["Location"] == LANDING[role]
    assert client.get("/").headers["Location"] == LANDING[role]
    assert client.get("/login").headers["Location"] == LANDING[role]
    assert client.get(LANDING[role]).status_code == 200


def test_a_next_address_still_wins_over_the_landing_page(factories, client):
    factories.user(username="chief", role="leader")
    db.session.commit()
    token = csrf_token(client)
    response = client.post(
        "/login?next=/cases?deadline=overdue",
        data={"username": "chief", "password": "Password-123", "csrf_token": token},
    )
    assert response.headers["Location"] == "/cases?deadline=overdue"


def test_admin_creates_a_unit_user_who_then_logs_in(login_as, factories, app):
    admin = login_as("admin")
    unit = factories.unit(name="富春街道")
    db.session.commit()
    response = admin.post(
        "/admin/users/new",
        data={
            "username": "liaison",
            "display_name": "联络员",
            "role": "unit",
            "unit_id": unit.id,
            "email": "liaison@fuyang.gov.cn",
            "password": "Fuchun-desk-2026",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "liaison"))
    assert user.unit.name == "富春街道"
    assert user.password_hash.startswith("$argon2")
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user.id)
    )


def test_admin_cannot_create_a_unit_user_without_a_unit(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/admin/users/new", data={"username": "liaison", "role": "unit", "unit_id": 0, "password": "Fuchun-desk-2026"}
    )
    assert response.status_code == 200
    assert "必须属于一个单位" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "liaison")) is None


def test_a_weak_password_is_refused(login_as):
    admin = login_as("admin")
    admin.post(
        "/admin/users/new", data={"username": "weak", "role": "mediator", "unit_id": 0, "password": "12345678901"}
    )
    assert db.session.scalar(select(User).where(User.username == "weak")) is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password12", "这个密码过于常见"),
        ("Qwerty123!", "这个密码过于常见"),
        ("P@ssw0rd123", "这个密码过于常见"),
        ("My-Clerk-Desk-9", "不能包含用户名"),
    ],
)
def test_a_common_password_or_one_containing_the_user_name_is_refused_on_the_password_form(
    login_as, factories, password, message
):
    clerk = factories.user(username="clerk")
    own = login_as(clerk)
    before = clerk.password_hash
    response = own.post(
        "/account/password", {"current_password": "Password-123", "password": password}, follow_redirects=True
    )
    assert message in response.get_data(as_text=True)
    db.session.refresh(clerk)
    assert clerk.password_hash == before


def test_a_password_merely_sharing_two_letters_with_a_short_user_name_is_accepted(login_as, factories):
    li = factories.user(username="li")
    own = login_as(li)
    own.post("/account/password", {"current_password": "Password-123", "password": "Plain-ledger-7"})
    db.session.refresh(li)
    from casetrack.accounts.services import password_matches

    assert password_matches(li.password_hash, "Plain-ledger-7")


def test_the_security_administrator_locks_and_the_administrator_resets_a_user(login_as, factories):
    admin = login_as("admin")
    clerk = factories.user(username="clerk")
    db.session.commit()
    assert admin.post(f"/admin/users/{clerk.id}/active").status_code == 403
    login_as("security").post(f"/admin/users/{clerk.id}/active")
    db.session.refresh(clerk)
    assert not clerk.active
    admin.post(
        f"/admin/users/{clerk.id}",
        data={"username": "clerk", "role": "mediator", "unit_id": 0, "password": "Brand-new-42"},
    )
    db.session.refresh(clerk)
    from casetrack.accounts.services import password_matches

    assert password_matches(clerk.password_hash, "Brand-new-42")


@pytest.mark.parametrize("role", ["mediator", "legal", "unit", "leader"])
def test_only_admin_reaches_administration(login_as, role):
    assert login_as(role).get("/admin/users").status_code == 403


def test_admin_manages_units_with_unique_names(login_as, factories):
    admin = login_as("admin")
    factories.unit(name="区公安分局")
    db.session.commit()
    response = admin.post("/admin/units/new", data={"name": "区公安分局", "kind": "department", "active": "y"})
    assert "已存在" in response.get_data(as_text=True)
    assert (
        admin.post(
            "/admin/units/new", data={"name": "新登镇", "kind": "town", "head_name": "韩涛", "active": "y"}
        ).status_code
        == 302
    )
