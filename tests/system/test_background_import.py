"""A large ledger file through the production path: gunicorn answers the upload at once, a real Celery worker on
Redis checks the file and, after "import now", imports it, and the uploader's page follows it over HTTP."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.ledger.models import LedgerImport
from tests.conftest import REDIS_KEY_PREFIX, REDIS_URL
from tests.ledger.test_import import row, xlsx
from tests.system.conftest import ROOT

pytestmark = pytest.mark.services
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Browser:
    """Cookies, CSRF tokens and multipart uploads over real HTTP, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        handler = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(handler, NoRedirect)

    def request(self, path: str, data: bytes | None = None, content_type: str | None = None):
        request = urllib.request.Request(self.base + path, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def token(self, path: str) -> str:
        return CSRF.search(self.request(path)[2]).group(1)

    def post(self, path: str, fields: dict, token_from: str):
        body = urllib.parse.urlencode({**fields, "csrf_token": self.token(token_from)}).encode()
        return self.request(path, body, "application/x-www-form-urlencoded")

    def upload(self, path: str, filename: str, content: bytes, token_from: str):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{self.token(token_from)}\r\n',
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n",
        ]
        body = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def web(app, celery_worker, tmp_path):
    """gunicorn as `make run` serves, on the test's database and the worker's broker."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "CASETRACK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CASETRACK_BROKER_URL": REDIS_URL,
        "CASETRACK_REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
        "CASETRACK_SECRET_KEY": "test-secret",
        # Every file counts as large here; the worker (started with the same instance folder) reads the upload.
        "CASETRACK_IMPORT_BACKGROUND_BYTES": "1",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(Path(__file__).resolve().parents[2] / "config" / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--threads",
            "4",
            "casetrack:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text())
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)
    log.close()


def _wait_for_state(browser: Browser, job_path: str, wanted: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _, body = browser.request(job_path + "/progress.json")
        assert status == 200, body
        progress = json.loads(body)
        if progress["state"] == wanted:
            return progress
        assert progress["state"] in ("checking", "importing", "checked"), progress
        time.sleep(0.3)
    pytest.fail(f"{job_path} did not reach {wanted}: {progress}")


def test_a_large_file_is_checked_and_imported_by_the_worker_while_the_page_follows(web, factories, tmp_path):
    factories.user(role="legal", username="importer")
    db.session.commit()
    browser = Browser(web)
    status, headers, _ = browser.post("/login", {"username": "importer", "password": "Password-123"}, "/login")
    assert status == 302, headers

    rows = [row(number=f"富政复〔2026〕{n}号") for n in range(1, 301)]
    content = xlsx(tmp_path / "big.xlsx", rows).read_bytes()
    status, headers, body = browser.upload("/ledger/", "全区台账.xlsx", content, "/ledger/")
    assert status == 302, body
    job_path = urllib.parse.urlparse(headers["Location"]).path
    _wait_for_state(browser, job_path, "checked")
    status, _, page = browser.request(job_path)
    assert "全区台账.xlsx" in page and "文件检查通过" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 0

    status, _, _ = browser.post(job_path + "/confirm", {}, job_path)
    assert status == 302
    _wait_for_state(browser, job_path, "imported")
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 300
    job = db.session.scalar(select(LedgerImport))
    assert not (ROOT / "instance" / "uploads" / job.stored_name).exists()
    status, _, page = browser.request(job_path)
    assert "导入完成：新增300条" in page
