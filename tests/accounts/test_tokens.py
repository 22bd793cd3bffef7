"""Issue 10, item 4: API tokens expire, can be revoked (command line and /admin/tokens), and die with a new
password or a deactivation, so reactivating a user does not bring them back."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.accounts import services
from casetrack.accounts.models import ApiToken
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def clerk(factories):
    user = factories.user(username="clerk", role="mediator")
    db.session.commit()
    return user


def issue(user, **kwargs) -> tuple[str, ApiToken]:
    token = services.issue_token(user, SYSTEM, **kwargs)
    db.session.commit()
    return token, db.session.scalar(select(ApiToken).order_by(ApiToken.id.desc()))


def api_status(app, token: str) -> int:
    response = app.test_client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 401:
        assert response.mimetype == "application/json" and list(response.get_json()) == ["error"]
    return response.status_code


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def actions(user_id: int) -> list[str]:
    stmt = select(AuditEntry.action).where(AuditEntry.entity_type == "user", AuditEntry.entity_id == user_id)
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def test_a_token_lasts_the_configured_days_and_is_refused_once_expired(app, clerk):
    token, row = issue(clerk)
    assert abs(aware(row.expires_at) - (datetime.now(UTC) + timedelta(days=90))) < timedelta(minutes=1)
    assert api_status(app, token) == 200
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert api_status(app, token) == 401


def test_a_revoked_token_gets_401_and_its_revocation_is_audited(app, clerk):
    token, row = issue(clerk)
    services.revoke_token(row, SYSTEM)
    db.session.commit()
    assert api_status(app, token) == 401
    assert actions(clerk.id)[-2:] == ["token_issued", "token_revoked"]
    with pytest.raises(services.DomainError):
        services.revoke_token(row, SYSTEM)


def test_deactivating_and_reactivating_a_user_does_not_revive_the_token(app, clerk, factories):
    admin = factories.user(role="security")
    token, row = issue(clerk)
    services.set_active(clerk, False, admin)
    services.set_active(clerk, True, admin)
    db.session.commit()
    assert api_status(app, token) == 401
    assert db.session.get(ApiToken, row.id).revoked_at is not None


def test_an_admin_reset_and_an_own_change_revoke_the_users_tokens(app, clerk, factories):
    admin = factories.user(role="admin")
    first, _ = issue(clerk)
    services.reset_password(clerk, "Reset-by-admin-1", admin)
    db.session.commit()
    assert api_status(app, first) == 401
    second, _ = issue(clerk)
    services.change_password(clerk, "Reset-by-admin-1", "Changed-by-me-2")
    db.session.commit()
    assert api_status(app, second) == 401
    assert actions(clerk.id).count("token_revoked") == 2


def test_a_deactivated_user_gets_no_new_token(app, clerk):
    clerk.active = False
    db.session.commit()
    with pytest.raises(services.DomainError):
        services.issue_token(clerk, SYSTEM)
    db.session.rollback()
    assert db.session.scalar(select(func.count(ApiToken.id))) == 0


# --- command line ---------------------------------------------------------------------------------------------


def test_users_token_takes_expires_days_and_still_prints_only_the_token(app, clerk):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "token", "clerk", "--expires-days", "7"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("ct_") and "\n" not in token
    row = db.session.scalar(select(ApiToken))
    assert abs(aware(row.expires_at) - (datetime.now(UTC) + timedelta(days=7))) < timedelta(minutes=1)
    for bad in ("0", "367", "soon"):
        assert runner.invoke(args=["users", "token", "clerk", "--expires-days", bad]).exit_code != 0
    assert db.session.scalar(select(func.count(ApiToken.id))) == 1


def test_users_tokens_lists_each_token_with_its_state(app, clerk, factories):
    other = factories.user(username="other")
    db.session.commit()
    _, revoked = issue(clerk)
    _, expired = issue(clerk, days=1)
    _, valid = issue(other)
    services.revoke_token(revoked, SYSTEM)
    expired.expires_at = datetime.now(UTC) - timedelta(hours=1)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "tokens"])
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split("\t") == ["id", "user", "created", "expires", "last_used", "state"]
    rows = {int(line.split("\t")[0]): line.split("\t") for line in lines}
    assert rows[valid.id][1] == "other" and rows[valid.id][5] == "valid" and rows[valid.id][4] == "-"
    assert rows[expired.id][5] == "expired"
    assert rows[revoked.id][5].startswith("revoked ")
    only_clerk = runner.invoke(args=["users", "tokens", "clerk"]).output.splitlines()[1:]
    assert sorted(int(line.split("\t")[0]) for line in only_clerk) == sorted([revoked.id, expired.id])
    assert runner.invoke(args=["users", "tokens", "nobody"]).exit_code != 0


def test_users_revoke_token_stops_the_token_and_refuses_an_unknown_or_revoked_one(app, clerk):
    token, row = issue(clerk)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "revoke-token", str(row.id)])
    assert result.exit_code == 0, result.output
    assert f"revoked token {row.id} of clerk" in result.output
    assert api_status(app, token) == 401
    assert runner.invoke(args=["users", "revoke-token", str(row.id)]).exit_code != 0
    assert runner.invoke(args=["users", "revoke-token", "999999"]).exit_code != 0
    assert actions(clerk.id).count("token_revoked") == 1


# --- /admin/tokens --------------------------------------------------------------------------------------------


def test_admin_page_lists_tokens_and_revokes_one(app, clerk, login_as):
    token, row = issue(clerk)
    admin = login_as("admin")
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "clerk" in page and f"/admin/tokens/{row.id}/revoke" in page and "有效" in page
    response = admin.post(f"/admin/tokens/{row.id}/revoke")
    assert response.status_code == 302
    assert api_status(app, token) == 401
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert f"/admin/tokens/{row.id}/revoke" not in page and "吊销" in page
    assert actions(clerk.id)[-1] == "token_revoked"


def test_a_revoke_without_csrf_or_by_a_non_admin_changes_nothing(app, clerk, login_as):
    token, row = issue(clerk)
    admin = login_as("admin")
    assert admin.client.post(f"/admin/tokens/{row.id}/revoke").status_code == 400
    legal = login_as("legal")
    assert legal.post(f"/admin/tokens/{row.id}/revoke").status_code == 403
    assert legal.get("/admin/tokens").status_code == 403
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).revoked_at is None
    assert api_status(app, token) == 200


def test_a_users_own_password_change_on_the_page_revokes_their_tokens(app, clerk, login_as):
    token, _ = issue(clerk)
    auth = login_as(clerk)
    auth.post("/account/password", data={"current_password": PASSWORD, "password": "Changed-by-me-2"})
    assert api_status(app, token) == 401
