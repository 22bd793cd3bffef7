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


@pytest.fixture(scope="session")
def celery_worker(app, redis_client, smtp_server, tmp_path_factory):
    """A real `celery worker` process on the real Redis broker, using the same database as the test."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    env = {
        **os.environ,
        "CASETRACK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CASETRACK_BROKER_URL": REDIS_URL,
        "CASETRACK_REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
        "CASETRACK_SECRET_KEY": "test-secret",
        "CASETRACK_SMTP_HOST": "127.0.0.1",
        "CASETRACK_SMTP_PORT": str(smtp_server.port),
        # A refused summary is retried after 1 s instead of 5 minutes, so the test sees the retry happen.
        "CASETRACK_SUMMARY_RETRY_SECONDS": "1",
    }
    with log.open("w") as handle:
        process = subprocess.Popen(
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
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    # Not the current app: the eager app under test must keep running tasks inline for every other test.
    client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    client.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        broker_transport_options={"global_keyprefix": REDIS_KEY_PREFIX},
        result_backend_transport_options={"global_keyprefix": REDIS_KEY_PREFIX},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("celery worker exited:\n" + log.read_text(), pytrace=False)
        try:
            if client.control.ping(timeout=1):
                break
        except Exception:
            pass
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("celery worker did not answer within 60 s:\n" + log.read_text(), pytrace=False)
    yield client
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
