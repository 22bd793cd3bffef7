"""Issue 18 item 3: 三员分立. The system administrator keeps accounts and settings but cannot give the security or
audit roles, change those administrators' accounts or read the audit trail; the security administrator gives roles
and locks accounts; the audit administrator reads, searches and exports the trail and changes nothing; neither of
the last two works cases."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db


def role_options(page: str) -> set[str]:
    import lxml.html

    return set(lxml.html.fromstring(page).xpath("//select[@name='role']/option/@value"))


def test_the_system_administrator_cannot_make_a_security_or_audit_administrator(login_as):
    admin = login_as("admin")
    offered = role_options(admin.get("/admin/users/new").get_data(as_text=True))
    assert offered == {"mediator", "legal", "unit", "leader"}
    answer = admin.post("/admin/users/new", data={"username": "shenji", "role": "auditor", "password": "Ab3$efgh-ijk"})
    assert answer.status_code in (200, 400)
    assert db.session.scalar(select(User).where(User.username == "shenji")) is None


def test_the_security_administrator_gives_roles_and_locks_accounts_but_makes_no_auditor(login_as, factories, app):
    security = login_as("security")
    offered = role_options(security.get("/admin/users/new").get_data(as_text=True))
    assert offered >= {"admin", "security", "legal"} and "auditor" not in offered
    answer = security.post(
        "/admin/users/new", data={"username": "xitong2", "role": "admin", "password": "Ab3$efgh-ijk", "unit_id": 0}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:400]
    security.post("/admin/users/new", data={"username": "shenji", "role": "auditor", "password": "Ab3$efgh-ijk"})
    assert db.session.scalar(select(User).where(User.username == "shenji")) is None
    made = app.test_cli_runner().invoke(
        args=["users", "create", "shenji", "--role", "auditor", "--password", "Shen-ji-guan-li-9"]
    )
    assert made.exit_code == 0, made.output  # the audit administrator comes from the command line
    clerk = factories.user(role="mediator")
    db.session.commit()
    assert security.post(f"/admin/users/{clerk.id}/active").status_code == 302
    db.session.refresh(clerk)
    assert not clerk.active


def test_nobody_changes_their_own_role(login_as, factories):
    me = factories.user(role="security", username="anquan")
    db.session.commit()
    client = login_as(me)
    answer = client.post(f"/admin/users/{me.id}", data={"username": "anquan", "role": "admin", "unit_id": 0})
    assert "不能修改自己的角色" in answer.get_data(as_text=True)
    db.session.refresh(me)
    assert me.role == "security"


def test_an_administrators_account_is_the_security_administrators_and_the_auditors_nobodys(login_as, factories):
    auditor = factories.user(role="auditor", username="shenji")
    other_admin = factories.user(role="admin", username="xitong2")
    db.session.commit()
    admin = login_as("admin")
    assert admin.get(f"/admin/users/{other_admin.id}").status_code == 403
    before = auditor.password_hash
    for client in (admin, login_as("security")):
        assert client.get(f"/admin/users/{auditor.id}").status_code == 403
        answer = client.post(f"/admin/users/{auditor.id}", data={"role": "auditor", "password": "Reset-by-admin-77"})
        assert answer.status_code == 403
    db.session.refresh(auditor)
    assert auditor.password_hash == before
    users_page = admin.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{auditor.id}"' not in users_page
    assert login_as("security").get(f"/admin/users/{other_admin.id}").status_code == 200


@pytest.mark.parametrize("role", ["security", "auditor"])
def test_the_security_and_audit_administrators_work_no_cases(app, login_as, factories, role):
    factories.case(number="富政复〔2026〕7号", applicants=["王秀英"])
    db.session.commit()
    client = login_as(role)
    for url in ("/cases", "/dashboard", "/hearings/calendar", "/risk/", "/cases/export.xlsx", "/notifications/"):
        assert client.get(url).status_code == 403, url
    page = client.get(client.get("/").headers["Location"]).get_data(as_text=True)
    assert 'href="/cases"' not in page and "富政复〔2026〕7号" not in page
    user = db.session.scalar(select(User).where(User.role == role))
    token = issue_token(user, SYSTEM)
    db.session.commit()
    assert app.test_client().get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 403


def test_only_the_audit_administrator_reads_the_trail(login_as, factories):
    clerk = factories.user(role="mediator", username="clerk")
    db.session.commit()
    admin = login_as("admin", username="xitong")
    answer = admin.post(
        f"/admin/users/{clerk.id}", data={"username": "clerk", "role": "legal", "unit_id": 0, "display_name": "张三"}
    )
    assert answer.status_code == 302
    for role in ("admin", "security", "legal", "leader"):
        assert login_as(role).get("/audit/").status_code == 403, role
    assert "操作记录" not in admin.get(f"/admin/users/{clerk.id}").get_data(as_text=True)
    auditor = login_as("auditor")
    page = auditor.get("/audit/?actor=xitong&action=updated").get_data(as_text=True)
    assert "调解中心工作人员 → 司法局" in page and "张三" in page
    exported = auditor.get("/audit/export.xlsx?action=updated")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "操作人", "来源", "操作")
    assert any(row[9] == "张三" for row in rows[1:])


def test_security_events_are_entries_with_who_and_where(login_as, factories, app):
    case = factories.case(number="富政复〔2026〕9号", applicants=["王秀英"])
    db.session.commit()
    legal = login_as("legal")
    assert legal.get(f"/cases/{case.id}").status_code == 200
    assert legal.get("/cases/export.xlsx").status_code == 200
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    seen = {(e.entity_type, e.action) for e in entries}
    assert {("user", "logged_in"), ("personal_data", "personal_data_viewed"), ("file", "exported")} <= seen
    viewed = next(e for e in entries if e.action == "personal_data_viewed")
    assert viewed.entity_id == case.id and viewed.source == "127.0.0.1" and viewed.actor_id is not None
    exported = next(e for e in entries if e.action == "exported")
    assert exported.comment.startswith("/cases/export.xlsx")
    # A clerk sees the ID masked: nothing to record.
    login_as("mediator").get(f"/cases/{case.id}")
    assert db.session.scalar(select(db.func.count()).where(AuditEntry.action == "personal_data_viewed")) == 1
