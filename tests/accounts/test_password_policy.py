"""Issue 18 item 1: the password policy the security administrator sets, its history and expiry; a password an
administrator set is changed at first use; a session ends when idle and after 12 hours; one session per account
on request; the command line refuses a weak password with the reason."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from casetrack import clock
from casetrack.accounts import services
from casetrack.accounts.models import User
from casetrack.audit.models import AuditEntry
from casetrack.errors import DomainError
from casetrack.extensions import db
from tests.conftest import Auth, csrf_token
from tests.factories import PASSWORD


def sign_in(app, username: str, password: str = PASSWORD) -> tuple[Auth, object]:
    auth = Auth(app.test_client())
    token = csrf_token(auth.client, "/login")
    response = auth.client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    auth.token = csrf_token(auth.client, "/account/password") if response.status_code == 302 else None
    return auth, response


def test_a_password_an_administrator_set_must_be_changed_before_anything_else(app, login_as):
    admin = login_as("admin")
    admin.post(
        "/admin/users/new", data={"username": "xinren", "role": "mediator", "unit_id": 0, "password": "Chu-shi-mi-ma-7"}
    )
    user = services.find_user("xinren")
    assert user is not None and user.must_change_password
    auth, _ = sign_in(app, "xinren", "Chu-shi-mi-ma-7")
    page = auth.client.get("/cases")
    assert page.status_code == 302 and page.headers["Location"].endswith("/account/password")
    form = auth.client.get("/account/password").get_data(as_text=True)
    assert "您的密码由管理员设置" in form
    answer = auth.post(
        "/account/password", data={"current_password": "Chu-shi-mi-ma-7", "password": "Zi-ji-de-mi-ma-8"}
    )
    assert answer.status_code == 302
    assert auth.client.get("/cases").status_code == 200


def test_an_expired_password_is_changed_first(app, factories):
    clerk = factories.user(username="clerk", password_changed_at=clock.utc_now() - timedelta(days=91))
    db.session.commit()
    auth, _ = sign_in(app, "clerk")
    assert auth.client.get("/cases").headers["Location"].endswith("/account/password")
    assert "您的密码已超过 90 天" in auth.client.get("/account/password").get_data(as_text=True)
    services.save_policy(
        services_actor(factories), idle=30, single=False, min_length=10, classes=3, history=5, max_age_days=0
    )
    db.session.commit()
    assert auth.client.get("/cases").status_code == 200
    assert clerk.id


def services_actor(factories):
    return factories.user(role="security")


def test_the_last_five_passwords_cannot_come_back(app, factories):
    clerk = factories.user(username="clerk")
    db.session.commit()
    passwords = [PASSWORD, "Second-pass-22", "Third-pass-333", "Fourth-pass-44", "Fifth-pass-555"]
    for current, new in zip(passwords, passwords[1:], strict=False):
        services.change_password(clerk, current, new)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.change_password(clerk, passwords[-1], PASSWORD)
    assert refused.value.params == {"count": 5}
    db.session.rollback()
    services.change_password(clerk, passwords[-1], "Sixth-pass-666")
    services.change_password(clerk, "Sixth-pass-666", PASSWORD)  # six back now: allowed again
    db.session.commit()


def test_the_security_administrator_sets_the_policy_and_it_is_audited(app, login_as, factories):
    security = login_as("security")
    answer = security.post(
        "/admin/security-policy",
        data={"min_length": 14, "classes": 4, "history": 8, "max_age_days": 60, "idle_minutes": 15},
    )
    assert answer.status_code == 302
    assert services.password_policy().min_length == 14 and services.idle_minutes() == 15
    assert not services.single_session()
    changed = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "security_policy")).all()
    assert {(e.field, e.after) for e in changed} >= {("min_length", "14"), ("idle_minutes", "15")}
    refused = security.post(
        "/admin/security-policy",
        data={"min_length": 3, "classes": 4, "history": 8, "max_age_days": 60, "idle_minutes": 15},
    )
    assert refused.status_code == 400 and services.password_policy().min_length == 14
    assert login_as("admin").get("/admin/security-policy").status_code == 403
    with pytest.raises(DomainError):
        services.create_user("weak", "mediator", "Abcdefgh-123", factories.user(role="admin"))


def test_an_idle_session_and_a_twelve_hour_one_end_and_are_recorded(app, factories, monkeypatch):
    factories.user(username="clerk")
    db.session.commit()
    auth, _ = sign_in(app, "clerk")
    assert auth.client.get("/cases").status_code == 200
    start = clock.utc_now()
    monkeypatch.setattr(clock, "source", lambda: start + timedelta(minutes=29))
    assert auth.client.get("/cases").status_code == 200
    monkeypatch.setattr(clock, "source", lambda: start + timedelta(minutes=60))
    ended = auth.client.get("/cases")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert "30 分钟无操作" in auth.client.get(ended.headers["Location"]).get_data(as_text=True)
    assert auth.client.get("/cases").status_code == 302  # and stays ended
    timed_out = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "timed_out")).all()
    assert [e.comment.endswith("(idle)") for e in timed_out] == [True]

    auth, _ = sign_in(app, "clerk")
    base, now = clock.utc_now(), [clock.utc_now()]
    monkeypatch.setattr(clock, "source", lambda: now[0])
    # Busy all along, a request every 25 minutes: the session still ends 12 hours after the sign-in.
    answers = []
    for step in range(1, 31):
        now[0] = base + timedelta(minutes=25 * step)
        answers.append(auth.client.get("/cases").status_code)
    assert answers[:28] == [200] * 28 and answers[28] == 302


def test_one_session_per_account_ends_the_other_when_the_policy_asks(app, factories):
    factories.user(username="clerk")
    security = factories.user(role="security")
    db.session.commit()
    first, _ = sign_in(app, "clerk")
    second, _ = sign_in(app, "clerk")
    assert first.client.get("/cases").status_code == 200
    services.save_policy(security, idle=30, single=True, min_length=10, classes=3, history=5, max_age_days=90)
    db.session.commit()
    third, _ = sign_in(app, "clerk")
    assert third.client.get("/cases").status_code == 200
    assert first.client.get("/cases").status_code == 302 and second.client.get("/cases").status_code == 302


def test_the_login_message_never_says_which_part_was_wrong(app, factories):
    factories.user(username="clerk")
    db.session.commit()
    _, wrong_password = sign_in(app, "clerk", "Not-the-password-1")
    _, no_such_user = sign_in(app, "nobody", "Not-the-password-1")
    message = "用户名或密码错误，或账号已停用"
    assert message in wrong_password.get_data(as_text=True) and message in no_such_user.get_data(as_text=True)


def test_the_command_line_refuses_a_weak_password_with_the_reason_and_the_first_administrator_changes_it(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "create", "zhangwei", "--role", "admin", "--password", "zhangwei2026!"])
    assert weak.exit_code != 0 and "用户名" in weak.output
    assert services.find_user("zhangwei") is None
    made = runner.invoke(args=["users", "create", "xitong", "--role", "admin", "--password", "Xi-tong-guan-li-9"])
    assert made.exit_code == 0, made.output
    assert db.session.scalar(select(User.must_change_password).where(User.username == "xitong")) is True
