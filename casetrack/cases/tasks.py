from __future__ import annotations

import logging

from celery import shared_task

from casetrack.cases import services
from casetrack.extensions import db

log = logging.getLogger(__name__)


@shared_task(name="cases.refresh_deadlines", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def refresh_deadlines() -> int:
    """Nightly, and after the holiday calendar changes: keep every open case's next deadline current."""
    changed = services.refresh_open_case_deadlines()
    db.session.commit()
    log.info("refreshed deadlines: %s changed", changed)
    return changed
