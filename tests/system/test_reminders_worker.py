"""The reminder job through a real Celery worker process and a real Redis broker, mailing a real SMTP server
(aiosmtpd): run twice, killed mid-batch, and run twice at once from the command line, each digest arrives once
or is left "unknown" where an administrator sees it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.notifications.models import ReminderDigest
from tests.conftest import REDIS_KEY_PREFIX, REDIS_URL
from tests.system.conftest import ROOT, Worker

pytestmark = pytest.mark.services


def _wait_for(condition, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} not reached within {timeout} s")


def _overdue_cases_for(factories, people: int) -> list[str]:
    unit = factories.unit()
    addresses = []
    for n in range(people):
        handler = factories.user(role="legal", username=f"handler{n}", email=f"handler{n}@example.com")
        factories.case(
            number=f"W-{n}", respondent_unit=unit, received_on=local_today() - timedelta(days=30), handler_id=handler.id
        )
        addresses.append(handler.email)
    db.session.commit()
    return addresses


def _digests() -> list[ReminderDigest]:
    return list(db.session.scalars(select(ReminderDigest).order_by(ReminderDigest.id)))


def _received(smtp_server) -> Counter:
    return Counter(rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts)


def test_the_worker_run_twice_on_a_day_sends_each_reminder_once(celery_worker, smtp_server, factories):
    smtp_server.clear()
    _overdue_cases_for(factories, 1)
    day = local_today().isoformat()
    first = celery_worker.send_task("notifications.daily_reminders", kwargs={"day": day}).get(timeout=60)
    second = celery_worker.send_task("notifications.daily_reminders", kwargs={"day": day}).get(timeout=60)
    assert first == {"created": 1, "digests_dispatched": 1}
    assert second == {"created": 0, "digests_dispatched": 0}
    _wait_for(lambda: smtp_server.messages, what="the digest")
    time.sleep(1)  # long enough for a second copy to have landed, had there been one
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["handler0@example.com"]]


def test_a_worker_killed_mid_batch_leaves_no_digest_twice_and_none_behind(
    app, redis_client, smtp_server, factories, tmp_path, login_as
):
    smtp_server.clear()
    addresses = _overdue_cases_for(factories, 10)
    # The server keeps each message and answers half a second later: a kill lands while a digest is on its way.
    smtp_server.data_delay = 0.5
    worker = Worker(app, smtp_server, tmp_path / "worker.log", key_prefix=REDIS_KEY_PREFIX + "killed:").start()
    try:
        worker.client.send_task("notifications.daily_reminders", kwargs={"day": local_today().isoformat()})
        _wait_for(lambda: len(smtp_server.messages) >= 3, what="three digests received")
        worker.kill()
        received_before_restart = len(smtp_server.messages)
        assert received_before_restart < len(addresses), "the batch finished before the kill: nothing was tested"

        worker.start()  # the queued digests go out; the one that was on its way stays "sending"
        _wait_for(
            lambda: Counter(d.status for d in _digests())["sent"] >= len(addresses) - 1, what="the rest delivered"
        )
        time.sleep(1)  # the last of them finishing
        stuck = [d.id for d in _digests() if d.status == "sending"]
        assert len(stuck) <= 1
        # An hour later the sweep finds it: not resent, but marked for an administrator.
        db.session.execute(
            update(ReminderDigest)
            .where(ReminderDigest.id.in_(stuck))
            .values(last_attempt_at=datetime.now(UTC) - timedelta(hours=1))
        )
        db.session.commit()
        swept = worker.client.send_task("notifications.redispatch_stalled").get(timeout=60)
        assert swept == len(stuck)
        _wait_for(lambda: {d.status for d in _digests()} <= {"sent", "unknown"}, what="the sweep")
        time.sleep(1)
    finally:
        worker.stop()
        for key in redis_client.scan_iter(match=REDIS_KEY_PREFIX + "killed:*", count=500):
            redis_client.delete(key)

    digests = {d.email: d for d in _digests()}
    received = _received(smtp_server)
    assert sorted(digests) == sorted(addresses)
    assert max(received.values()) == 1, f"a digest arrived twice: {received}"
    for email, digest in digests.items():
        if digest.status == "sent":
            assert received[email] == 1
        else:  # interrupted mid-send: it may have arrived; nobody resends it on their own
            assert digest.status == "unknown" and "may or may not have arrived" in digest.last_error
    unknown = [d for d in digests.values() if d.status == "unknown"]
    page = login_as("admin").get("/admin/reminders/?status=unknown").get_data(as_text=True)
    for digest in unknown:
        assert digest.email in page and f"/admin/reminders/{digest.id}/resend" in page


def _run_reminders_cli(app, smtp_server, *, broker: bool) -> subprocess.Popen:
    env = {
        **os.environ,
        "CASETRACK_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CASETRACK_BROKER_URL": REDIS_URL if broker else "",
        "CASETRACK_REDIS_KEY_PREFIX": REDIS_KEY_PREFIX,
        "CASETRACK_SECRET_KEY": "test-secret",
        "CASETRACK_SMTP_HOST": "127.0.0.1",
        "CASETRACK_SMTP_PORT": str(smtp_server.port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "casetrack", "reminders", "--day", local_today().isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.parametrize("broker", [True, False], ids=["with-broker-lock", "without-broker"])
def test_two_command_line_runs_at_once_send_each_digest_once(app, redis_client, smtp_server, factories, broker):
    smtp_server.clear()
    addresses = _overdue_cases_for(factories, 6)
    smtp_server.data_delay = 0.2  # the runs overlap for over a second
    runs = [_run_reminders_cli(app, smtp_server, broker=broker) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]

    assert _received(smtp_server) == Counter(addresses), outputs
    assert {d.status for d in _digests()} == {"sent"}
    assert any("e-mails sent" in output for output in outputs), outputs
    if broker:
        # The day's lock: the second operator is told, rather than running a second batch.
        assert sorted(run.returncode for run in runs) == [0, 1], outputs
        assert any("being run elsewhere" in output for output in outputs), outputs
