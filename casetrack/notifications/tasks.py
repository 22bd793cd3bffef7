from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from celery import shared_task

from casetrack import deliveries
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.notifications import services
from casetrack.notifications.models import ReminderDigest

log = logging.getLogger(__name__)

#: Planning a day takes seconds; a lock left by a killed run must not hold back the re-delivered task for long.
PLANNING_LOCK_SECONDS = 600


class DigestDeliveryFailed(RuntimeError):
    pass


def day_lock(today: date):
    """One planner a day, whether beat's task, its re-delivery or an operator's `flask reminders`."""
    return job_lock(f"daily_reminders:{today.isoformat()}", timeout=PLANNING_LOCK_SECONDS)


def prepare(today: date) -> tuple[int, list[int]]:
    """Today's notifications (committed), then one digest per person carrying the ones not yet in a digest
    (committed); returns how many notifications are new and the digests still to send."""
    created = services.notify_due(today)
    db.session.commit()
    digest_ids = services.plan_digests(today)
    db.session.commit()
    return created, digest_ids


def _deliver_digest(digest_id: int) -> str:
    return deliveries.deliver(ReminderDigest, digest_id, services.compose_digest, services.mark_emailed)


def run_daily_reminders(today: date) -> dict:
    """The whole job here and now, as `flask reminders` runs it: each digest is claimed before it is sent, so a
    second run at the same time (or after a crash) sends nothing twice. Raises DigestDeliveryFailed when some
    digest was refused; the next run sends only those."""
    with day_lock(today):
        created, digest_ids = prepare(today)
        outcomes = Counter()
        for digest_id in digest_ids:
            try:
                outcomes[_deliver_digest(digest_id)] += 1
            except deliveries.DeliveryFailed:
                outcomes["failed"] += 1
    result = {
        "created": created,
        "emails_sent": outcomes["sent"],
        "emails_unknown": outcomes["unknown"],
        "emails_failed": outcomes["failed"],
    }
    log.info("daily reminders %s: %s", today, result)
    if outcomes["failed"]:
        raise DigestDeliveryFailed(result)
    return result


@shared_task(name="notifications.daily_reminders", bind=True, max_retries=6)
def daily_reminders(self, day: str | None = None) -> dict:
    """07:30 every day: plan the day, then one task per digest, so one mailbox refusing neither holds back nor
    resends anyone else's. ``day`` (ISO) lets an operator re-run a past day; a retry keeps the original day."""
    today = date.fromisoformat(day) if day else local_today()
    try:
        with day_lock(today):
            created, digest_ids = prepare(today)
    except JobAlreadyRunning:
        log.warning("daily reminders for %s already being planned; this run does nothing", today)
        return {"skipped": True}
    except Exception as error:
        # Backs off 5, 10, 20 … minutes.
        raise self.retry(
            exc=error, countdown=300 * 2**self.request.retries, kwargs={"day": today.isoformat()}
        ) from error
    for digest_id in digest_ids:
        deliver_digest.delay(digest_id)
    return {"created": created, "digests_dispatched": len(digest_ids)}


@shared_task(name="notifications.deliver_digest", bind=True, max_retries=None)
def deliver_digest(self, digest_id: int) -> str:
    return deliveries.deliver_with_retries(
        self, ReminderDigest, digest_id, services.compose_digest, services.mark_emailed
    )


@shared_task(name="notifications.redispatch_stalled")
def redispatch_stalled() -> int:
    """Hourly: digests whose task was lost (broker restart, worker killed) are dispatched again; one that was
    interrupted mid-send becomes "unknown" for an administrator instead of going out twice."""
    return deliveries.redispatch_stalled(ReminderDigest, deliver_digest)
