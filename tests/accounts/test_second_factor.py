"""Issue 18 item 2: a second factor — TOTP from any authenticator app, or a one-time recovery code — for the roles
in CASETRACK_MFA_ROLES, enrolled at the first sign-in; optional for the others; the security administrator resets
a lost one; the API keeps its tokens."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from casetrack import clock
from casetrack.accounts.models import RecoveryCode, User
from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from casetrack.settings import load_settings
from tests.conftest import Auth, csrf_token
from tests.factories import PASSWORD


@pytest.fixture
def legal_needs_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_MFA_ROLES", "legal,admin,security,auditor")


def password_step(app, username: str) -> Auth:
    auth = Auth(app.test_client())
    token = csrf_token(auth.client, "/login")
    response = auth.client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/second-step")
    auth.token = csrf_token(auth.client, "/login/second-step")
    return auth


def enrol(auth: Auth) -> tuple[str, list[str]]:
    page = auth.client.get("/login/second-step").get_data(as_text=True)
    assert "<svg" in page
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)[1]
    done = auth.post("/login/second-step", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9A-F-]+)</code></li>", done.get_data(as_text=True))
    return secret, codes


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_role_that_needs_it_enrols_at_the_first_sign_in_and_gets_ten_recovery_codes(app, factories, legal_needs_it):
    factories.user(username="fazhi", role="legal")
    db.session.commit()
    auth = password_step(app, "fazhi")
    assert auth.client.get("/risk/").status_code == 302  # not signed in yet
    wrong = auth.post("/login/second-step", data={"code": "000000"})
    assert wrong.status_code == 400 and "验证码与应用当前显示的不符" in wrong.get_data(as_text=True)
    secret, codes = enrol(auth)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert auth.client.get("/risk/").status_code == 200
    user = db.session.scalar(select(User).where(User.username == "fazhi"))
    assert user.has_second_factor and secret not in (user.totp_secret_sealed or "")
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert [e.entity_id for e in entries("second_factor_enrolled")] == [user.id]


def test_a_code_a_used_code_and_a_recovery_code_at_sign_in(app, factories, legal_needs_it, monkeypatch):
    factories.user(username="fazhi", role="legal")
    db.session.commit()
    secret, codes = enrol(password_step(app, "fazhi"))

    auth = password_step(app, "fazhi")
    for hostile in ("", "²²²²²²", "1" * 40, "' OR 1=1 --"):
        answer = auth.post("/login/second-step", data={"code": hostile})
        assert answer.status_code in (400, 401), hostile
    assert auth.client.get("/risk/").status_code == 302
    later = clock.utc_now() + timedelta(seconds=90)
    monkeypatch.setattr(clock, "source", lambda: later)
    code = pyotp.TOTP(secret).at(later)
    assert auth.post("/login/second-step", data={"code": code}).status_code == 302
    assert auth.client.get("/risk/").status_code == 200

    again = password_step(app, "fazhi")
    assert again.post("/login/second-step", data={"code": code}).status_code == 401  # a code counts once
    assert [e.comment.endswith("(second factor)") for e in entries("login_failed")][-1]
    assert again.post("/login/second-step", data={"code": codes[0].lower()}).status_code == 302
    assert "还剩 9 个" in again.client.get("/risk/").get_data(as_text=True)

    third = password_step(app, "fazhi")
    assert third.post("/login/second-step", data={"code": codes[0]}).status_code == 401  # each recovery code once
    assert entries("recovery_code_used")[0].comment == "9"


def test_the_second_step_waits_five_minutes(app, factories, legal_needs_it, monkeypatch):
    factories.user(username="fazhi", role="legal")
    db.session.commit()
    auth = password_step(app, "fazhi")
    soon = clock.utc_now() + timedelta(seconds=301)
    monkeypatch.setattr(clock, "source", lambda: soon)
    answer = auth.client.get("/login/second-step")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")


def test_the_security_administrator_resets_a_lost_one(app, factories, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_MFA_ROLES", "legal,security")
    user = factories.user(username="fazhi", role="legal")
    db.session.commit()
    enrolled = password_step(app, "fazhi")
    enrol(enrolled)
    assert login_as("admin").post(f"/admin/users/{user.id}/second-factor/reset").status_code == 403
    security = factories.user(role="security", username="anquan")
    db.session.commit()
    security_client = Auth(app.test_client())
    token = csrf_token(security_client.client, "/login")
    security_client.client.post("/login", data={"username": "anquan", "password": PASSWORD, "csrf_token": token})
    security_client.token = csrf_token(security_client.client, "/login/second-step")
    enrol(security_client)
    page = security_client.client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "重置第二重认证" in page
    assert security_client.post(f"/admin/users/{user.id}/second-factor/reset").status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, user.id).has_second_factor
    assert enrolled.client.get("/risk/").status_code == 302  # the sessions made with the old one ended
    assert [e.actor_id for e in entries("second_factor_reset")] == [security.id]
    assert "<svg" in password_step(app, "fazhi").client.get("/login/second-step").get_data(as_text=True)


def test_others_may_enrol_and_turn_it_off(app, factories, login_as):
    clerk = factories.user(username="clerk", role="mediator")
    db.session.commit()
    client = login_as(clerk)
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)[1]
    assert client.post("/account/second-factor", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert password_step(app, "clerk")  # now asks for a code
    assert client.post("/account/second-factor").status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, clerk.id).has_second_factor


def test_the_api_keeps_using_tokens(app, factories, legal_needs_it):
    user = factories.user(username="fazhi", role="legal")
    db.session.commit()
    token = issue_token(user, SYSTEM)
    db.session.commit()
    answer = app.test_client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_production_asks_the_legal_bureau_and_the_administrators_and_the_demo_says_it_asks_no_one(tmp_path, client):
    key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
    env = {"ENV": "production", "SECRET_KEY": "s", "DATABASE_URL": "sqlite://", "BROKER_URL": "redis://x"}
    env |= {"DATA_KEYS": f"k1:{key}", "LOOKUP_KEY": key}
    assert load_settings(str(tmp_path), env)["CASETRACK_MFA_ROLES"] == "legal,admin,security,auditor"
    assert load_settings(str(tmp_path), {})["CASETRACK_MFA_ROLES"] == ""
    assert "不要求第二重认证" in client.get("/login").get_data(as_text=True)


def test_codes_guessed_between_two_password_steps_still_count(app, factories, legal_needs_it):
    factories.user(username="fazhi", role="legal")
    db.session.commit()
    enrol(password_step(app, "fazhi"))
    for _ in range(2):
        auth = password_step(app, "fazhi")  # the right password again, each time
        for _ in range(2):
            auth.post("/login/second-step", data={"code": "000000"})
    password_step(app, "fazhi").post("/login/second-step", data={"code": "000000"})
    # Five wrong codes, the password given right in between: the account is locked all the same.
    auth = Auth(app.test_client())
    token = csrf_token(auth.client, "/login")
    answer = auth.client.post("/login", data={"username": "fazhi", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 429


def test_a_session_of_a_role_that_now_needs_a_second_factor_sets_one_up_first(app, factories, login_as, monkeypatch):
    client = login_as(factories.user(username="fazhi", role="legal"))
    assert client.get("/risk/").status_code == 200
    monkeypatch.setitem(app.config, "CASETRACK_MFA_ROLES", "legal")
    answer = client.get("/risk/")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/second-factor")


def test_a_made_up_bearer_header_does_not_lift_the_session_limits(app, factories, monkeypatch):
    factories.user(username="clerk")
    db.session.commit()
    auth = Auth(app.test_client())
    auth.login("clerk")
    later = clock.utc_now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "source", lambda: later)
    answer = auth.client.get("/cases", headers={"Authorization": "Bearer made-up"})
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_timeout_also_ends_the_remember_cookie(app, factories, monkeypatch):
    factories.user(username="clerk")
    db.session.commit()
    auth = Auth(app.test_client())
    token = csrf_token(auth.client, "/login")
    auth.client.post("/login", data={"username": "clerk", "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert auth.client.get_cookie("remember_token") is not None
    later = clock.utc_now() + timedelta(hours=2)
    monkeypatch.setattr(clock, "source", lambda: later)
    assert auth.client.get("/cases").status_code == 302
    assert auth.client.get_cookie("remember_token") is None
    assert auth.client.get("/cases").status_code == 302
