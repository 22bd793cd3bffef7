"""The security headers every response carries (casetrack.web.register_security_headers): pages, static files,
downloads and API answers alike; HSTS only when the deployment says it is behind HTTPS."""

from __future__ import annotations

import pytest

from tests.conftest import make_app

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert "Strict-Transport-Security" not in response.headers


def test_an_html_page_carries_the_security_headers_and_may_be_cached(login_as):
    response = login_as("legal").get("/cases")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert_security_headers(response)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_login_page_carries_them_before_anyone_signs_in(client):
    assert_security_headers(client.get("/login"))


def test_a_static_file_carries_the_security_headers(client):
    response = client.get("/static/js/dashboard.js")
    assert response.status_code == 200
    assert_security_headers(response)
    response.close()


def test_an_api_answer_carries_the_security_headers_and_is_never_stored(client, factories):
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.accounts.services import issue_token
    from casetrack.extensions import db

    token = issue_token(factories.user(role="legal"), actor=SYSTEM)
    db.session.commit()
    response = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_an_api_refusal_is_never_stored_either(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert response.headers["Cache-Control"] == "no-store"
    assert_security_headers(response)


@pytest.mark.parametrize("https", [False, True])
def test_strict_transport_security_is_sent_only_behind_https(tmp_path, https):
    # A static file needs no database, so this app is never migrated.
    application = make_app(f"sqlite:///{tmp_path}/unused.sqlite3", HTTPS=https)
    response = application.test_client().get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Strict-Transport-Security") == ("max-age=31536000" if https else None)
    assert response.headers["X-Frame-Options"] == "DENY"
    response.close()


def test_behind_a_proxy_the_trail_records_the_persons_address_and_a_forged_header_does_not_count(factories):
    from sqlalchemy import select

    from casetrack.audit.models import AuditEntry
    from casetrack.extensions import db
    from tests.conftest import csrf_token, make_app

    user = factories.user(username="behind")
    db.session.commit()
    proxied = make_app(db.engine.url.render_as_string(hide_password=False), PROXY_HOPS=1)
    client = proxied.test_client()
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"username": "behind", "password": "Password-123", "csrf_token": token},
        # What nginx passes on: the client's own (forged) header, then the address nginx saw.
        headers={"X-Forwarded-For": "6.6.6.6, 10.8.0.23"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "logged_in", AuditEntry.entity_id == user.id)
    )
    assert entry is not None and entry.source == "10.8.0.23"
