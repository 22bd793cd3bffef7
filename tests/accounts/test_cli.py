import hashlib

from sqlalchemy import select

from casetrack.accounts.models import ApiToken, User
from casetrack.extensions import db


def test_users_create_makes_a_unit_user_and_refuses_a_unit_user_without_unit(app, factories):
    factories.unit(name="新登镇")
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(
        args=["users", "create", "xd", "--role", "unit", "--unit", "新登镇", "--password", "Xindeng-2026"]
    )
    assert ok.exit_code == 0, ok.output
    assert db.session.scalar(select(User).where(User.username == "xd")).unit.name == "新登镇"
    refused = runner.invoke(args=["users", "create", "nounit", "--role", "unit", "--password", "Xindeng-2026"])
    assert refused.exit_code != 0
    assert db.session.scalar(select(User).where(User.username == "nounit")) is None
    unknown = runner.invoke(args=["users", "create", "x2", "--role", "mayor", "--password", "Xindeng-2026"])
    assert unknown.exit_code != 0


def test_users_token_prints_a_token_that_is_stored_only_hashed(app, factories):
    factories.user(username="api")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "token", "api"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("ct_")
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in stored.token_hash


def test_users_create_refuses_a_common_password_and_one_containing_the_user_name(app):
    runner = app.test_cli_runner()
    common = runner.invoke(args=["users", "create", "fzj", "--role", "legal", "--password", "Password123"])
    assert common.exit_code != 0
    assert "这个密码过于常见" in common.output
    named = runner.invoke(args=["users", "create", "Fazhiju", "--role", "legal", "--password", "fazhiju-2026!"])
    assert named.exit_code != 0
    assert "不能包含用户名" in named.output
    assert db.session.scalar(select(User)) is None


def test_what_a_command_does_is_in_the_trail_with_who_ran_it_and_where(app, factories, login_as):
    import getpass
    import socket

    from casetrack.audit.models import AuditEntry

    user = factories.user(username="api")
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["users", "token", "api", "--expires-days", "30"]).exit_code == 0
    issued = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "token_issued")).all()
    ran_by = f"cli {getpass.getuser()}@{socket.gethostname()}"
    assert issued and {(e.actor_id, e.source) for e in issued} == {(None, ran_by)}

    page = login_as("auditor").get(f"/audit/?entity_type=user&entity_id={user.id}").get_data(as_text=True)
    # The system's entry says it came from the command line, and which user on which machine ran it.
    assert "<td>命令行</td>" in page and f"<code>{ran_by.removeprefix('cli ')}</code>" in page
    logged_in = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "logged_in")).all()
    assert logged_in and {e.source for e in logged_in} == {"127.0.0.1"}


def test_a_command_line_import_is_in_the_trail_as_run_from_the_command_line(app, tmp_path):
    import getpass
    import socket

    from casetrack.audit.models import AuditEntry
    from tests.ledger.test_import import row, xlsx

    ledger = xlsx(tmp_path / "ledger.xlsx", [row()])
    assert app.test_cli_runner().invoke(args=["ledger", "import", str(ledger)]).exit_code == 0
    entries = db.session.scalars(select(AuditEntry)).all()
    assert entries and {(e.actor_id, e.source) for e in entries} == {
        (None, f"cli {getpass.getuser()}@{socket.gethostname()}")
    }
