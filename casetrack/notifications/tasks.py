from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from casetrack.clock import local_today
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.notifications import services

log = logging.getLogger(__name__)


@shared_task(name="notifications.daily_reminders", bind=True, max_retries=6)
def daily_reminders(self, day: str | None = None) -> dict:
    """07:30 every day. ``day`` (ISO) lets an operator re-run a past day; a retry keeps the original day."""
    today = date.fromisoformat(day) if day else local_today()
    try:
        with job_lock("daily_reminders", timeout=1800):
            return services.run_daily_reminders(today)
    except JobAlreadyRunning:
        log.warning("daily reminders for %s already running; this run does nothing", today)
        return {"skipped": True}
    except Exception as error:
        # Backs off 5, 10, 20 … minutes; a retry mails only what the failed run could not.
        raise self.retry(
            exc=error, countdown=300 * 2**self.request.retries, kwargs={"day": today.isoformat()}
        ) from error
