from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import shared_task
from flask import current_app

from casetrack import mail
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats.rules import previous_month
from casetrack.summaries import rules, services

log = logging.getLogger(__name__)


def _plan_and_dispatch(kind: str, period: str) -> dict:
    send_ids = services.plan_sends(kind, period)
    db.session.commit()
    for send_id in send_ids:
        # One task per copy: one leader's mailbox refusing does not hold back or resend anyone else's.
        deliver.delay(send_id)
    return {"kind": kind, "period": period, "dispatched": len(send_ids)}


@shared_task(name="summaries.send_monthly", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_monthly(year: int | None = None, month: int | None = None) -> dict:
    """08:00 on the 1st: last month's figures to every leader, the Word report of the year to that month attached."""
    if year is None or month is None:
        year, month = previous_month(local_today())
    return _plan_and_dispatch("monthly", rules.month_key(year, month))


@shared_task(name="summaries.send_risk_digest", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_risk_digest() -> dict:
    """Mondays 08:00: the risk queue to every leader."""
    return _plan_and_dispatch("risk_digest", rules.week_key(local_today()))


@shared_task(name="summaries.redispatch_stalled")
def redispatch_stalled() -> int:
    """Hourly: copies whose task was lost (broker restart, worker killed) are dispatched again."""
    send_ids = services.stalled_sends(datetime.now(UTC))
    for send_id in send_ids:
        deliver.delay(send_id)
    if send_ids:
        log.warning("re-dispatched %d stalled summary sends", len(send_ids))
    return len(send_ids)


@shared_task(name="summaries.deliver", bind=True, max_retries=None)
def deliver(self, send_id: int) -> str:
    """One copy to one leader. "sending" is committed before the mail server is asked, so a worker dying
    mid-send leaves a mark instead of a silent second copy; each failure is committed before the retry, so the
    admin page shows it. The row's own attempt count, not Celery's, decides when to give up."""
    try:
        message = services.start_attempt(send_id, local_today())
        db.session.commit()
        if message is None:
            return "nothing to send"
        try:
            mail.send(message)
        except mail.DeliveryUncertain as error:
            services.record_uncertain(send_id, error)
            db.session.commit()
            return "unknown"
        except Exception as error:
            services.record_failure(send_id, error)
            raise services.SummaryDeliveryFailed(str(error)) from error
    except services.SummaryDeliveryFailed as error:
        db.session.commit()
        attempts = db.session.get(services.SummarySend, send_id).attempts
        if attempts >= current_app.config["CASETRACK_SUMMARY_MAX_ATTEMPTS"]:
            log.error("summary send %s gave up after %d attempts: %s", send_id, attempts, error)
            return "gave up"
        if self.request.is_eager:
            # Without a broker there is no queue to come back from: try again at once (attempts bound this).
            return self.run(send_id)
        countdown = rules.retry_countdown(attempts, current_app.config["CASETRACK_SUMMARY_RETRY_SECONDS"])
        raise self.retry(exc=error, countdown=countdown) from error
    services.record_sent(send_id)
    db.session.commit()
    return "sent"
