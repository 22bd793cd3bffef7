"""Migration 0018 on a database of its own, SQLite and PostgreSQL: every existing case gets the key of its number,
and numbers that would become one are named and stop the upgrade before anything changes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_HOST, PG_SERVER_URL, make_app, port_open, postgres_database_name, service_missing

ROOT = Path(__file__).resolve().parents[2]
FULL = "（２０２６）浙０１８３行初９０２号"
HALF = "(2026)浙0183行初902号"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    if not port_open(PG_HOST, 5432):
        service_missing("PostgreSQL")
    import psycopg

    # Named like the run's other databases, so a killed run's copy is dropped by the next one (tests/conftest.py).
    name = f"{postgres_database_name()}_migration"
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@{PG_HOST}:5432/{name}"
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def at_0017_with_cases(url: str, numbers: list[tuple[str, str]]):
    """A database migrated to 0017 holding cases with these (kind, number), written as the code of then did."""
    from flask_migrate import upgrade

    from casetrack.extensions import db

    app = make_app(url)
    with app.app_context():
        upgrade(revision="0017")
        with db.engine.begin() as connection:
            unit_id = connection.execute(
                sa.text("INSERT INTO units (name, kind, active) VALUES ('区公安分局', 'department', true) RETURNING id")
            ).scalar_one()
            for kind, number in numbers:
                connection.execute(
                    sa.text(
                        "INSERT INTO cases (kind, number, instance, procedure, respondent_unit_id, applicant_count, "
                        "matter, summary, status, received_on, search_text, version) VALUES (:kind, :number, "
                        ":instance, 'normal', :unit, 1, 'penalty', '', 'received', :received, :search, 1)"
                    ),
                    {
                        "kind": kind,
                        "number": number,
                        "instance": "first" if kind == "litigation" else None,
                        "unit": unit_id,
                        "received": date(2026, 3, 2),
                        "search": f"{number} 张三 区公安分局 ".lower(),
                    },
                )
        db.engine.dispose()
    return app


def flask_db(url: str, *command: str):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CASETRACK_DATABASE_URL": url,
        "CASETRACK_SECRET_KEY": "test-secret",
        "CASETRACK_BROKER_URL": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casetrack", "db", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_upgrade_keys_every_existing_case_so_the_other_width_finds_it(database_url):
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.cases import queries
    from casetrack.cases.models import Case
    from casetrack.extensions import db

    app = at_0017_with_cases(
        database_url, [("litigation", FULL), ("review", "富政复〔2020〕1号"), ("review", "富政复〔2020〕2号")]
    )
    result = flask_db(database_url, "upgrade")
    assert result.returncode == 0, result.stderr
    with app.app_context():
        keys = dict(db.session.execute(sa.select(Case.number, Case.number_key)).all())
        assert keys == {FULL: HALF, "富政复〔2020〕1号": "富政复(2020)1号", "富政复〔2020〕2号": "富政复(2020)2号"}
        texts = dict(db.session.execute(sa.select(Case.number, Case.search_text)).all())
        assert texts["富政复〔2020〕1号"] == "富政复(2020)1号 区公安分局 "  # folded, from the case's own columns
        assert queries.case_numbers_exist("litigation", HALF)
        found = queries.filtered(SYSTEM, queries.CaseFilters(q=HALF), date(2026, 11, 26), 7)
        assert [case.number for case in db.session.scalars(found)] == [FULL]
        inspector = sa.inspect(db.engine)
        assert not next(c for c in inspector.get_columns("cases") if c["name"] == "number_key")["nullable"]
        assert {"kind", "number_key"} == set(
            next(i for i in inspector.get_indexes("cases") if i["name"] == "uq_cases_kind_number_key")["column_names"]
        )
        db.engine.dispose()


def test_numbers_that_would_become_one_stop_the_upgrade_naming_them_and_change_nothing(database_url):
    from casetrack.extensions import db

    app = at_0017_with_cases(
        database_url, [("litigation", FULL), ("litigation", HALF), ("review", HALF), ("review", "富政复〔2020〕1号")]
    )
    result = flask_db(database_url, "upgrade")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"litigation: {FULL} (id 1) = {HALF} (id 2)" in output, output
    assert "review:" not in output  # the same number for another kind of case is no collision
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0017"
        assert "number_key" not in {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
        assert db.session.scalar(sa.text("SELECT count(*) FROM cases")) == 4
        db.engine.dispose()


def test_the_downgrade_writes_the_search_text_back_as_0017_did(database_url):
    from casetrack.extensions import db

    app = at_0017_with_cases(database_url, [("review", "富政复〔2020〕1号")])
    assert flask_db(database_url, "upgrade").returncode == 0
    result = flask_db(database_url, "downgrade", "0017")
    assert result.returncode == 0, result.stderr
    with app.app_context():
        assert db.session.scalar(sa.text("SELECT search_text FROM cases")) == "富政复〔2020〕1号 区公安分局 "
        assert "number_key" not in {c["name"] for c in sa.inspect(db.engine).get_columns("cases")}
        db.engine.dispose()
