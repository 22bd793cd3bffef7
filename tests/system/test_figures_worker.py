"""The monthly figures job through a real Celery worker process on a real Redis: its lock and its idempotency."""

from datetime import date

import pytest
from sqlalchemy import func, select

from casetrack.extensions import db
from casetrack.stats.models import FigureSnapshot
from casetrack.stats.services import stored_figures
from tests.conftest import REDIS_KEY_PREFIX

pytestmark = pytest.mark.services

LOCK_KEY = REDIS_KEY_PREFIX + "lock:stats_compute_monthly"


def test_the_worker_computes_snapshots_once_and_a_second_run_changes_nothing(celery_worker, factories):
    factories.case(received_on=date(2020, 3, 9), concluded_on=date(2020, 3, 30), outcome="revoked")
    db.session.commit()
    first = celery_worker.send_task("stats.compute_monthly", kwargs={"year": 2020, "month": 3}).get(timeout=90)
    second = celery_worker.send_task("stats.compute_monthly", kwargs={"year": 2020, "month": 3}).get(timeout=90)
    assert (first["written"], first["unchanged"]) == (4, 0)
    assert (second["written"], second["unchanged"]) == (0, 4)
    db.session.expire_all()
    assert stored_figures("month", 2020, 3)["review"]["correction_rate_pct"] == 100.0
    assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 4


def test_a_run_while_the_lock_is_held_does_nothing(celery_worker, redis_client, factories):
    factories.case(received_on=date(2020, 3, 9))
    db.session.commit()
    held = redis_client.lock(LOCK_KEY, timeout=120)
    assert held.acquire(blocking=False)
    try:
        skipped = celery_worker.send_task("stats.compute_monthly", kwargs={"year": 2020, "month": 3}).get(timeout=90)
    finally:
        held.release()
    assert skipped == {"skipped": True}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 0
    after = celery_worker.send_task("stats.compute_monthly", kwargs={"year": 2020, "month": 3}).get(timeout=90)
    assert after["written"] == 4
