"""Issue 18 item 4: the audit trail is a hash chain; `flask audit verify` names the first entry changed, removed or
slipped in; on PostgreSQL the application's own connection cannot change or remove an entry; a purge keeps 180
days."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from casetrack import clock
from casetrack.accounts import services as accounts
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit import services as audit
from casetrack.audit.models import AuditEntry
from casetrack.extensions import db


def write_entries(factories, count: int = 3) -> list[int]:
    unit = factories.unit(name="区交通运输局")
    db.session.commit()
    for n in range(count):
        accounts.save_unit(unit, SYSTEM, name=f"区交通运输局{n}", kind="department", head_name=None)
        db.session.commit()
    return list(db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)))


def tamper(app, statement: str, **params) -> None:
    """What someone with the database's owner rights could do: past the application, and past its trigger."""
    with db.engine.begin() as connection:
        if app.config["DATABASE_KIND"] == "postgresql":
            connection.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
        connection.execute(text(statement), params)
        if app.config["DATABASE_KIND"] == "postgresql":
            connection.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER USER"))


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_every_committed_entry_takes_the_next_place_and_the_chain_verifies(app, factories):
    ids = write_entries(factories)
    rows = list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    assert [row.seq for row in rows] == list(range(1, len(ids) + 1))
    assert all(row.entry_hash.startswith("sha256:") and row.batch is None for row in rows)
    assert [row.prev_hash for row in rows[1:]] == [row.entry_hash for row in rows[:-1]]
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"intact: {len(ids)} entries, last hash {rows[-1].entry_hash}" in result.output


def test_an_entry_changed_in_the_database_is_named(app, factories):
    ids = write_entries(factories)
    tamper(app, "UPDATE audit_entries SET after = '区公安分局' WHERE id = :id", id=ids[1])
    result = verify(app)
    assert result.exit_code == 1
    assert f"entry {ids[1]} at place 2 was changed" in result.output


def test_an_entry_removed_from_the_database_is_named(app, factories):
    ids = write_entries(factories)
    tamper(app, "DELETE FROM audit_entries WHERE id = :id", id=ids[2])
    result = verify(app)
    assert result.exit_code == 1
    assert "at place 3 is missing" in result.output


def test_an_entry_slipped_in_past_the_application_is_named(app, factories):
    write_entries(factories, 1)
    tamper(
        app,
        "INSERT INTO audit_entries (entity_type, entity_id, action, at) VALUES ('user', 1, 'password_reset', :at)",
        at=datetime.now(UTC),
    )
    result = verify(app)
    assert result.exit_code == 1 and "written outside the chain" in result.output


def test_on_postgresql_the_applications_connection_cannot_change_or_remove_an_entry(app, factories):
    if app.config["DATABASE_KIND"] != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    ids = write_entries(factories, 1)
    for statement in (
        "UPDATE audit_entries SET comment = 'x' WHERE id = :id",
        "DELETE FROM audit_entries WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": ids[0]})
        db.session.rollback()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_entries"))
    db.session.rollback()
    assert verify(app).exit_code == 0


def test_concurrent_commits_each_take_their_own_places(app, factories):
    unit = factories.unit(name="区水利局")
    db.session.commit()
    unit_id = unit.id

    def edit(n):
        with app.app_context():
            for round_ in range(5):
                saved = accounts.get_unit(unit_id)
                audit.record("unit", saved.id, "updated", SYSTEM, [("head_name", None, f"{n}-{round_}")])
                db.session.commit()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.seq.is_not(None))) == 20
    assert verify(app).exit_code == 0


def test_sm3_entries_follow_sha256_ones_and_both_verify(app, factories):
    write_entries(factories, 1)
    app.config["CASETRACK_AUDIT_HASH"] = "sm3"
    try:
        write_entries_more = accounts.save_unit(None, SYSTEM, name="区统计局", kind="department", head_name=None)
        db.session.commit()
    finally:
        app.config["CASETRACK_AUDIT_HASH"] = "sha256"
    last = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_id == write_entries_more.id)).all()[-1]
    assert last.entry_hash.startswith("sm3:")
    assert verify(app).exit_code == 0


def test_a_purge_refuses_the_last_180_days_and_the_rest_of_the_chain_still_verifies(app, factories, monkeypatch):
    long_ago = datetime.now(UTC) - timedelta(days=400)
    monkeypatch.setattr(clock, "source", lambda: long_ago)
    write_entries(factories, 2)
    monkeypatch.undo()
    write_entries_later = accounts.save_unit(None, SYSTEM, name="区审计局", kind="department", head_name=None)
    db.session.commit()
    runner = app.test_cli_runner()
    young = (datetime.now(UTC) - timedelta(days=100)).strftime("%Y-%m-%d")
    refused = runner.invoke(args=["audit", "purge", "--before", young])
    assert refused.exit_code != 0 and "180" in refused.output
    old = (datetime.now(UTC) - timedelta(days=200)).strftime("%Y-%m-%d")
    done = runner.invoke(args=["audit", "purge", "--before", old])
    assert done.exit_code == 0, done.output
    kept = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert {entry.entity_id for entry in kept if entry.entity_type == "unit"} == {write_entries_later.id}
    assert kept[-1].action == "purged"
    result = verify(app)
    assert result.exit_code == 0, result.output


def test_entries_from_before_the_chain_are_chained_by_the_migration_and_verify(tmp_path):
    """A database upgraded with entries in it (SQLite stores their times as text): migration 0033 hashes what
    `audit verify` reads back."""
    from flask_migrate import upgrade

    from tests.conftest import make_app

    application = make_app(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with application.app_context():
        upgrade(revision="0032")
        for n in range(3):
            db.session.execute(
                text(
                    "INSERT INTO audit_entries (entity_type, entity_id, action, at) VALUES ('unit', :n, 'created', :at)"
                ),
                {"n": n, "at": datetime(2025, 5, 6, 7, 8, 9, 123456 * (n + 1) % 1_000_000, tzinfo=UTC)},
            )
        db.session.commit()
        upgrade()
        result = application.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0 and "intact: 3 entries" in result.output, result.output
        db.session.remove()
        db.engine.dispose()


def test_a_refused_step_rolled_back_to_its_savepoint_leaves_the_earlier_entries_to_be_chained(app, factories):
    unit = factories.unit(name="区民政局")
    db.session.commit()
    audit.record("unit", unit.id, "updated", SYSTEM, [("head_name", None, "甲")])
    with pytest.raises(RuntimeError):
        with db.session.begin_nested():
            audit.record("unit", unit.id, "updated", SYSTEM, [("head_name", "甲", "乙")])
            raise RuntimeError("refused")
    db.session.commit()
    kept = db.session.scalars(select(AuditEntry)).all()
    assert [(e.after, e.seq is not None) for e in kept] == [("甲", True)]
    assert verify(app).exit_code == 0
