"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live server on its own SQLite database.

The server is built once per session (``live_app`` / ``live_server``) from the real migrations; every test gets a
fresh browser context (new cookies, zh-CN, downloads accepted) and starts from an empty database: rows a test
makes are deleted afterwards, as ``tests.conftest`` does for the database tests.

These tests never ask for the parametrized ``app`` fixture, which would run them twice (SQLite and PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import threading
from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from casetrack.accounts.throttle import MemoryCounters
from casetrack.extensions import db
from tests.conftest import _delete_everything, make_app, service_missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: Generous for a cold Chromium, short enough that a wrong selector fails the test quickly.
TIMEOUT_MS = 10_000


# --- the live server -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from flask_migrate import upgrade

    tmp = tmp_path_factory.mktemp("browser")
    application = make_app(f"sqlite:///{tmp}/browser.sqlite3")
    # Ledger uploads wait between preview and confirmation in the instance folder: keep them out of the repository.
    application.instance_path = str(tmp / "instance")
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()
    shutil.rmtree(application.config["CASETRACK_DOCUMENTS_ROOT"], ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="casetrack-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _clean_database(request):
    """After each browser test: delete every row and forget failed logins, so tests do not see each other."""
    yield
    if "live_app" not in request.fixturenames:
        return
    live_app = request.getfixturevalue("live_app")
    with live_app.app_context():
        db.session.rollback()
        _delete_everything()
        db.session.remove()
    live_app.extensions["login_throttle"].counters = MemoryCounters()


@pytest.fixture
def in_app(live_app):
    """``with in_app(): factories.case(...)`` — builds test data in the live app's database and commits it.

    Read what the test needs (ids, names) inside the block: the objects are detached afterwards."""

    @contextmanager
    def _block():
        with live_app.app_context():
            try:
                yield
                db.session.commit()
            finally:
                db.session.remove()

    return _block


@pytest.fixture
def factories(live_app):
    from tests import factories as module

    return module


@pytest.fixture
def today(live_app) -> date:
    from casetrack.clock import local_today

    with live_app.app_context():
        return local_today()


@pytest.fixture
def yesterday(today) -> date:
    return today - timedelta(days=1)


# --- the browser ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        service_missing("Chromium")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server):
    """new_page() → a page in a fresh browser context: its own cookies, zh-CN, downloads accepted."""
    contexts = []

    def _new_page():
        context = browser.new_context(base_url=live_server, locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
