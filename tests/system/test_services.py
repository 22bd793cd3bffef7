"""Against the real services: Redis for the login throttle, a real Celery worker process for tasks."""

from datetime import timedelta

import pytest

from casetrack.accounts.throttle import LoginThrottle, RedisCounters
from casetrack.cases.models import Case
from casetrack.cases.services import register_case
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.workdays.services import set_override
from tests.conftest import REDIS_KEY_PREFIX, REDIS_URL

pytestmark = pytest.mark.services


def test_failed_logins_counted_in_redis_are_seen_by_every_web_worker(redis_client):
    # Two throttles with their own connections stand for two gunicorn processes.
    first = LoginThrottle(RedisCounters(REDIS_URL), 3, 100, 60, prefix=REDIS_KEY_PREFIX + "throttle:")
    second = LoginThrottle(RedisCounters(REDIS_URL), 3, 100, 60, prefix=REDIS_KEY_PREFIX + "throttle:")
    for _ in range(3):
        first.record_failure("clerk", "10.0.0.1")
    assert 0 < second.seconds_blocked("clerk", "10.0.0.1") <= 60
    assert second.seconds_blocked("clerk", "10.0.0.9") == 0  # another source is not locked out by the first
    second.record_success("clerk", "10.0.0.1")
    assert first.seconds_blocked("clerk", "10.0.0.1") == 0


def test_the_worker_answers_the_health_task(celery_worker, factories):
    factories.user(role="admin")
    db.session.commit()
    result = celery_worker.send_task("system.ping").get(timeout=30)
    assert result == {"pong": True, "users": 1}


def test_the_worker_moves_deadlines_after_the_holiday_calendar_changes(celery_worker, factories):
    admin, unit = factories.user(role="admin"), factories.unit()
    today = local_today()
    case = register_case(
        {
            "kind": "review",
            "number": "W-1",
            "respondent_unit_id": unit.id,
            "matter": "other",
            "applicants": [{"name": "张三"}],
            "received_on": today - timedelta(days=1),
        },
        admin,
        today,
    )
    db.session.commit()
    due = case.next_deadline_on
    set_override(due, False, "临时调整", admin)
    db.session.commit()
    assert celery_worker.send_task("cases.refresh_deadlines").get(timeout=60) == 1
    db.session.expire_all()
    assert db.session.get(Case, case.id).next_deadline_on > due
