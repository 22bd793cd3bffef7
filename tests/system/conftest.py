from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery

from tests.conftest import REDIS_KEY_PREFIX, REDIS_URL, service_missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        service_missing("Redis")
    _delete_run_keys(client)
    yield client
    _delete_run_keys(client)


def _delete_run_keys(client) -> None:
    # Only this run's keys: another suite may be using the same Redis database at the same moment.
    for key in client.scan_iter(match=REDIS_KEY_PREFIX + "*", count=500):
        client.delete(key)


class Worker:
    """A real `celery worker` process on the real Redis broker, using the same database as the test, and a client
    to send it tasks. ``key_prefix`` gives it a broker of its own (a test that kills its worker must not take the
    shared one down, nor have the shared one take its tasks)."""

    def __init__(self, app, smtp_server, log: Path, key_prefix: str = REDIS_KEY_PREFIX):
        self.app, self.smtp_server, self.log, self.key_prefix = app, smtp_server, log, key_prefix
        self.process = None
        # Not the current app: the eager app under test must keep running tasks inline for every other test.
        self.client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
        self.client.conf.update(
            task_serializer="json",
            result_serializer="json",
            accept_content=["json"],
            broker_transport_options={"global_keyprefix": key_prefix},
            result_backend_transport_options={"global_keyprefix": key_prefix},
        )

    def env(self) -> dict:
        return {
            **os.environ,
            "CASETRACK_DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
            "CASETRACK_BROKER_URL": REDIS_URL,
            "CASETRACK_REDIS_KEY_PREFIX": self.key_prefix,
            "CASETRACK_SECRET_KEY": "test-secret",
            "CASETRACK_SMTP_HOST": "127.0.0.1",
            "CASETRACK_SMTP_PORT": str(self.smtp_server.port),
            # A refused summary is retried after 1 s instead of 5 minutes, so the test sees the retry happen.
            "CASETRACK_SUMMARY_RETRY_SECONDS": "1",
        }

    def start(self) -> Worker:
        with self.log.open("a") as handle:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "worker",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env(),
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("celery worker exited:\n" + self.log.read_text(), pytrace=False)
            try:
                if self.client.control.ping(timeout=1):
                    return self
            except Exception:
                pass
            time.sleep(0.5)
        self.process.kill()
        pytest.fail("celery worker did not answer within 60 s:\n" + self.log.read_text(), pytrace=False)

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, nothing acknowledged or handed back, as a crash or the OOM killer leaves it."""
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="session")
def celery_worker(app, redis_client, smtp_server, tmp_path_factory):
    worker = Worker(app, smtp_server, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield worker.client
    worker.stop()
