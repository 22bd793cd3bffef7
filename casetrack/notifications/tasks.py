from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.notifications import services

log = logging.getLogger(__name__)


class DigestDeliveryFailed(RuntimeError):
    pass


def run_daily_reminders(today: date) -> dict:
    """The 07:30 job: notifications first (committed), then one e-mail per person, each committed as soon as the
    server accepts it, so a failure part-way leaves the rest for the retry and nobody gets the same reminders twice.
    Raises if any e-mail failed, so the task is retried; the retry mails only what was not sent."""
    created = services.create_notifications(services.collect_reminders(today), today)
    db.session.commit()
    sent = failed = 0
    for user_id in services.digest_recipients(today):
        try:
            services.send_digest(user_id, today)
        except Exception:
            log.exception("reminder digest to user %s failed", user_id)
            db.session.rollback()
            failed += 1
            continue
        db.session.commit()
        sent += 1
    result = {"created": created, "emails_sent": sent, "emails_failed": failed}
    log.info("daily reminders %s: %s", today, result)
    if failed:
        raise DigestDeliveryFailed(result)
    return result


@shared_task(name="notifications.daily_reminders", bind=True, max_retries=6)
def daily_reminders(self, day: str | None = None) -> dict:
    """07:30 every day. ``day`` (ISO) lets an operator re-run a past day; a retry keeps the original day."""
    today = date.fromisoformat(day) if day else local_today()
    try:
        with job_lock("daily_reminders", timeout=1800):
            return run_daily_reminders(today)
    except JobAlreadyRunning:
        log.warning("daily reminders for %s already running; this run does nothing", today)
        return {"skipped": True}
    except Exception as error:
        # Backs off 5, 10, 20 … minutes; a retry mails only what the failed run could not.
        raise self.retry(
            exc=error, countdown=300 * 2**self.request.retries, kwargs={"day": today.isoformat()}
        ) from error
