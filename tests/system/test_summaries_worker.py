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
