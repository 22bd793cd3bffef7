"""The reminder job through a real Celery worker process and a real Redis broker, mailing a real SMTP server."""

from datetime import timedelta

import pytest

from casetrack.clock import local_today
from casetrack.extensions import db

pytestmark = pytest.mark.services


def test_the_worker_run_twice_on_a_day_sends_each_reminder_once(celery_worker, smtp_server, factories):
    smtp_server.clear()
    unit = factories.unit()
    handler = factories.user(role="legal", email="handler@example.com")
    factories.case(
        number="W-9", respondent_unit=unit, received_on=local_today() - timedelta(days=30), handler_id=handler.id
    )
    db.session.commit()
    day = local_today().isoformat()
    first = celery_worker.send_task("notifications.daily_reminders", kwargs={"day": day}).get(timeout=60)
    second = celery_worker.send_task("notifications.daily_reminders", kwargs={"day": day}).get(timeout=60)
    assert first == {"created": 1, "emails_sent": 1, "emails_failed": 0}
    assert second == {"created": 0, "emails_sent": 0, "emails_failed": 0}
    assert [rcpt for rcpt, _ in smtp_server.messages] == [["handler@example.com"]]
