"""Leaders' summaries through a real Celery worker on Redis into a real SMTP server: a refused send is retried
after its back-off and every leader still gets exactly one copy."""

import time

import pytest
from sqlalchemy import select

from casetrack.extensions import db
from casetrack.summaries.models import SummarySend

pytestmark = pytest.mark.services


def _wait_until_all_sent(expected: int, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        sends = db.session.scalars(select(SummarySend)).all()
        if len(sends) == expected and all(s.status == "sent" for s in sends):
            return sends
        time.sleep(0.3)
    pytest.fail(f"not all sent within {timeout} s: {[(s.email, s.status, s.attempts) for s in sends]}")


def test_one_refused_send_is_retried_by_the_worker_and_nobody_gets_two(celery_worker, smtp_server, factories):
    smtp_server.clear()
    for name in ("lingdao1", "lingdao2", "lingdao3"):
        factories.user(role="leader", username=name, email=f"{name}@example.com")
    db.session.commit()
    smtp_server.refuse = 1

    dispatched = celery_worker.send_task("summaries.send_monthly", kwargs={"year": 2020, "month": 10}).get(timeout=60)
    assert dispatched["dispatched"] == 3
    sends = _wait_until_all_sent(3)

    assert sorted(s.attempts for s in sends) == [1, 1, 2]
    again = celery_worker.send_task("summaries.send_monthly", kwargs={"year": 2020, "month": 10}).get(timeout=60)
    assert again["dispatched"] == 0
    time.sleep(1.5)  # long enough for a stray retry to have landed, had there been one
    recipients = sorted(rcpt for rcpts, _ in smtp_server.messages for rcpt in rcpts)
    assert recipients == ["lingdao1@example.com", "lingdao2@example.com", "lingdao3@example.com"]
    assert all(message.get_content_type() == "multipart/mixed" for _, message in smtp_server.messages)


def test_a_worker_killed_mid_send_posts_no_group_message_twice_and_leaves_none_behind(
    app, redis_client, smtp_server, factories, tmp_path, login_as
):
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.summaries import services
    from casetrack.summaries.models import TargetSend
    from tests.conftest import REDIS_KEY_PREFIX
    from tests.robots import RobotServer
    from tests.system.conftest import Worker

    with RobotServer() as robots:
        robots.delay = 0.5
        for n in range(8):
            services.add_target(
                SYSTEM,
                name=f"群{n}",
                kind="dingtalk",
                webhook=robots.dingtalk_webhook,
                secret=robots.secret,
                summaries="monthly",
            )
        db.session.commit()
        prefix = REDIS_KEY_PREFIX + "robots:"
        worker = Worker(app, smtp_server, tmp_path / "worker.log", key_prefix=prefix).start()
        try:
            worker.client.send_task("summaries.send_monthly", kwargs={"year": 2020, "month": 10})
            _wait_for_robots(lambda: len(robots.posted) >= 3)
            worker.kill()
            assert len(robots.posted) < 8, "every group had its copy before the kill: nothing was tested"

            worker.start()
            _wait_for_robots(lambda: _states(TargetSend).get("sent", 0) >= 7)
            time.sleep(1)
            stuck = [s.id for s in db.session.scalars(select(TargetSend)) if s.status == "sending"]
            assert len(stuck) <= 1
            # An hour later the sweep finds the one that was on its way: not posted again, left for an administrator.
            from datetime import UTC, datetime, timedelta

            from sqlalchemy import update

            db.session.execute(
                update(TargetSend)
                .where(TargetSend.id.in_(stuck))
                .values(last_attempt_at=datetime.now(UTC) - timedelta(hours=1))
            )
            db.session.commit()
            worker.client.send_task("summaries.redispatch_stalled").get(timeout=60)
            _wait_for_robots(lambda: set(_states(TargetSend)) <= {"sent", "unknown"})
            time.sleep(1)
        finally:
            worker.stop()
            for key in redis_client.scan_iter(match=prefix + "*", count=500):
                redis_client.delete(key)

        copies = {s.target.name: s for s in db.session.scalars(select(TargetSend))}
        # Every copy was posted at least once (sent, or on its way when the worker died): at most eight requests for
        # eight copies means none went twice.
        assert len(robots.posted) == len(robots.requests) <= 8
        assert sorted(copies) == [f"群{n}" for n in range(8)]
        sent = [s for s in copies.values() if s.status == "sent"]
        unknown = [s for s in copies.values() if s.status == "unknown"]
        assert len(sent) + len(unknown) == 8 and len(robots.posted) >= len(sent)
        for copy in unknown:
            assert "may or may not have arrived" in copy.last_error
        page = login_as("admin").get("/admin/summaries/").get_data(as_text=True)
        for copy in unknown:
            assert f"/admin/summaries/groups/{copy.id}/resend" in page


def _states(model) -> dict[str, int]:
    db.session.expire_all()
    counts: dict[str, int] = {}
    for row in db.session.scalars(select(model)):
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


def _wait_for_robots(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail("the groups' copies did not get there in time")
