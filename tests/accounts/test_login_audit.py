"""Issue 10, item 9: logins, failed logins and logouts are kept in the audit trail and the log — a refused login
too, although its request is rolled back."""

import logging

from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.extensions import db
from tests.conftest import Auth


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_login_a_failed_login_and_a_logout_are_recorded(app, factories, caplog):
    clerk = factories.user(role="mediator")
    db.session.commit()
    logger = logging.getLogger("casetrack.accounts.services")
    # The test database is built by Alembic, whose logging.config.fileConfig disables the loggers that exist.
    logger.disabled = False
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger=logger.name)
    auth = Auth(app.test_client())
    assert auth.login(clerk.username, "wrong-password-1").status_code == 401
    assert auth.login("nobody-here", "wrong-password-1").status_code == 401
    assert auth.login(clerk.username).status_code == 302
    assert auth.post("/logout").status_code == 302

    failed = entries("login_failed")
    assert [(e.entity_type, e.entity_id) for e in failed] == [("user", clerk.id), ("login", 0)]
    assert "nobody-here from" in failed[1].comment
    assert [(e.entity_id, e.actor_id) for e in entries("logged_in")] == [(clerk.id, clerk.id)]
    assert [e.entity_id for e in entries("logged_out")] == [clerk.id]
    logger.removeHandler(caplog.handler)
    logged = [record.getMessage() for record in caplog.records]
    assert any(message.startswith("failed login: 'nobody-here'") for message in logged)
    assert any(message.startswith(f"login: {clerk.username}") for message in logged)


def test_changing_an_applicants_id_number_is_in_the_trail_masked(factories):
    from datetime import date

    from casetrack.cases import services

    clerk = factories.user(role="legal")
    case = factories.case(received_on=date(2020, 3, 2))  # 张三 330183199001011232
    db.session.commit()
    applicants = [{"name": "张三", "id_number": "330183199212125678"}]
    services.update_case(case, {"applicants": applicants}, clerk, date(2026, 12, 1), expected_version=None)
    db.session.commit()
    (entry,) = [e for e in entries("updated") if e.field == "applicant_id_numbers"]
    assert (entry.before, entry.after) == ("张三 330***********1232", "张三 330***********5678")
    texts = " ".join(f"{e.before} {e.after}" for e in db.session.scalars(select(AuditEntry)))
    assert "330183199212125678" not in texts and "330183199001011232" not in texts
