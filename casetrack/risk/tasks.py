from __future__ import annotations

import logging

from celery import shared_task

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.risk import services

log = logging.getLogger(__name__)


@shared_task(name="risk.rescore_all", autoretry_for=(Exception,), retry_backoff=300, max_retries=5)
def rescore_all() -> dict:
    """Nightly: rescore every open case under the current settings and queue the ones over the threshold."""
    try:
        with job_lock("risk_rescore", timeout=3600):
            result = services.rescore(local_today())
            db.session.commit()
    except JobAlreadyRunning:
        log.warning("risk rescoring already running; this run does nothing")
        return {"skipped": True}
    log.info("risk rescoring: %s", result)
    return result


@shared_task(name="risk.flag_overdue_items", autoretry_for=(Exception,), retry_backoff=300, max_retries=5)
def flag_overdue_items() -> int:
    """Daily, before the 07:30 reminders: mark overdue task-force items and tell their owners once."""
    flagged = services.flag_overdue_items(local_today())
    db.session.commit()
    return flagged
