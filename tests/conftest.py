"""Test set-up: every database test runs on SQLite and on PostgreSQL, each schema built by the real
migrations. Data is deleted after each test, so views, CLI commands and worker processes that commit
see exactly what a test made."""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import uuid
from datetime import datetime, time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from casetrack import create_app
from casetrack.accounts.throttle import MemoryCounters
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats import kept

REQUIRE_SERVICES = os.environ.get("CASETRACK_REQUIRE_SERVICES") == "1"
PG_HOST = os.environ.get("CASETRACK_TEST_PG_HOST", "127.0.0.1")
PG_SERVER_URL = os.environ.get("CASETRACK_TEST_PG_URL", f"postgresql://postgres@{PG_HOST}:5432/test")
REDIS_URL = os.environ.get("CASETRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
#: One id per ``pytest`` run, shared by its xdist workers (they inherit the environment): the run's databases and
#: Redis keys carry it, so two suites started together on one machine never drop or flush each other's data.
#: It starts with the controlling process's id, which lets a later run drop databases left by a killed one.
RUN_ID = os.environ.setdefault("CASETRACK_TEST_RUN", f"{os.getpid()}_{uuid.uuid4().hex[:6]}")
#: xdist workers of one run each start their own Celery worker on their own database, so each has its own keys.
REDIS_KEY_PREFIX = f"casetrack-test-{RUN_ID}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}:"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def service_missing(what: str) -> None:
    """Skip a test whose service is absent — or fail it when CI says every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (CASETRACK_REQUIRE_SERVICES=1) but not available", pytrace=False)
    pytest.skip(f"{what} not available")


def port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url() -> str | None:
    if not port_open(PG_HOST, 5432):
        return None
    import psycopg

    name = postgres_database_name()
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        _drop_abandoned_databases(conn)
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://postgres@{PG_HOST}:5432/{name}"


def postgres_database_name() -> str:
    return f"casetrack_test_{RUN_ID}_{worker_suffix()}".lower()


def _drop_abandoned_databases(conn) -> None:
    """Drop test databases of runs whose controlling process is gone (killed before its clean-up ran).
    A database of a run that is still going is never touched."""
    rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'casetrack\\_test\\_%'").fetchall()
    for (name,) in rows:
        pid = name.removeprefix("casetrack_test_").split("_", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _drop_postgres_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production. Tests hold an app context open for their own
    database work; without this, requests would share its ``g`` — the logged-in user and CSRF token of one
    client would leak into the next — and its database session."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(database_url: str, **extra):
    application = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "ENV": "testing",
            "BROKER_URL": "",
            "REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
            # Documents are written to disk: each test app keeps them in a folder of its own, never the instance's.
            # Named, not made: the store makes it on its first file, so an app that stores none leaves nothing.
            "DOCUMENTS_ROOT": os.path.join(tempfile.gettempdir(), f"casetrack-documents-{uuid.uuid4().hex}"),
            **extra,
        }
    )
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session")
def sqlite_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("db") / "casetrack.sqlite3"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def app(request, sqlite_path):
    if request.param == "sqlite":
        url = f"sqlite:///{sqlite_path}"
    else:
        url = _postgres_url()
        if url is None:
            service_missing("PostgreSQL")
    application = make_app(url)
    application.config["TESTING"] = True
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    application.config["DATABASE_KIND"] = request.param
    yield application
    with application.app_context():
        db.engine.dispose()
    shutil.rmtree(application.config["CASETRACK_DOCUMENTS_ROOT"], ignore_errors=True)
    if request.param == "postgresql":
        _drop_postgres_database(url)


#: The district's day when the tests were collected: many modules take their TODAY then, at import.
COLLECTION_DAY = local_today()


@pytest.fixture(autouse=True)
def _the_day_the_tests_were_collected(monkeypatch):
    """A run that crosses the district's midnight (16:00 UTC) would find, part-way through, that the app's today is
    a day after the TODAY its test module took at import ("tomorrow" is no longer in the future). Past that
    midnight, the in-process clock runs on from 22:00 of the collection day instead."""
    from casetrack import clock

    if local_today() == COLLECTION_DAY:
        return
    real = clock.source
    behind = real() - datetime.combine(COLLECTION_DAY, time(22), tzinfo=clock.zone())
    monkeypatch.setattr(clock, "source", lambda: real() - behind)


@pytest.fixture(autouse=True)
def _app_context(request):
    if "app" not in request.fixturenames:
        yield
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        # An empty database's figure buckets are built (all zero), so every test reads the kept figures as
        # production does, and each test's changes keep them (stats.kept).
        kept.declare_empty()
        db.session.commit()
        yield
        db.session.rollback()
        _delete_everything()
        db.session.remove()
    shutil.rmtree(application.config["CASETRACK_DOCUMENTS_ROOT"], ignore_errors=True)
    application.extensions["login_throttle"].counters = MemoryCounters()


#: Reference data the migrations write (the built-in reasons cases are lost for): kept as the migration left it.
_REFERENCE_TABLES = ("alembic_version", "adverse_reasons")


def _delete_everything() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in _REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        # The audit trail refuses TRUNCATE unless a purge is under way (migration 0033).
        db.session.execute(text("SET LOCAL casetrack.audit_purge = 'on'"))
        db.session.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.execute(text("DELETE FROM adverse_reasons WHERE code LIKE 'custom%'"))
    db.session.execute(text("UPDATE adverse_reasons SET active = TRUE"))
    db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    page = client.get(url).get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    assert match, f"no csrf token on {url}"
    return match.group(1)


class Auth:
    """Logs a test client in through the real login form, CSRF token and all."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, username: str, password: str = "Password-123"):
        token = csrf_token(self.client, "/login")
        response = self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        self.token = csrf_token(self.client, "/account/password") if response.status_code == 302 else None
        return response

    def post(self, url: str, data: dict | None = None, **kwargs):
        return self.client.post(url, data={**(data or {}), "csrf_token": self.token}, **kwargs)

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(app, factories):
    """login_as("legal") or login_as(user): a fresh logged-in client (Auth)."""

    def _login(role_or_user, **user_kwargs):
        user = role_or_user if not isinstance(role_or_user, str) else factories.user(role=role_or_user, **user_kwargs)
        db.session.commit()
        actions = Auth(app.test_client())
        response = actions.login(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        actions.user = user
        return actions

    return _login


@pytest.fixture
def factories(app):
    from tests import factories as module

    return module


class RecordingSMTPHandler:
    """An aiosmtpd handler that keeps every message and can refuse the next N with a temporary error."""

    def __init__(self):
        import threading

        self.messages = []
        self.refuse = 0
        #: Set to e.g. "421 closing" to answer QUIT badly after a message was accepted.
        self.quit_reply = None
        #: Seconds to wait before answering a message already kept: a slow "250 OK" after a content scan.
        self.data_delay = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        with self._lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 Requested action aborted: try again later"
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        if self.data_delay:
            import asyncio

            await asyncio.sleep(self.data_delay)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        return self.quit_reply or "221 Bye"

    def clear(self):
        with self._lock:
            self.messages.clear()
            self.refuse = 0
            self.quit_reply = None
            self.data_delay = 0


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port for the whole session."""
    from aiosmtpd.controller import Controller

    handler = RecordingSMTPHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server):
    """Point the app at the test SMTP server; yields the handler with an empty message list."""
    smtp_server.clear()
    previous = app.config["CASETRACK_SMTP_HOST"], app.config["CASETRACK_SMTP_PORT"]
    app.config["CASETRACK_SMTP_HOST"], app.config["CASETRACK_SMTP_PORT"] = "127.0.0.1", smtp_server.port
    yield smtp_server
    app.config["CASETRACK_SMTP_HOST"], app.config["CASETRACK_SMTP_PORT"] = previous


@pytest.fixture
def frozen_clock(monkeypatch):
    """frozen_clock(datetime(2026, 12, 1, 17, 30, tzinfo=UTC)): from then on casetrack.clock — this instant, the
    district's time and today — answers that instant."""
    from casetrack import clock

    def freeze(instant):
        monkeypatch.setattr(clock, "source", lambda: instant)

    return freeze
