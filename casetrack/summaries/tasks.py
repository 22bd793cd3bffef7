from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.summaries import rules, services
from casetrack.summaries.models import SummarySend

log = logging.getLogger(__name__)


def _plan_and_dispatch(kind: str, period: str) -> dict:
    send_ids = services.plan_sends(kind, period)
    db.session.commit()
    for send_id in send_ids:
        # One task per copy: one leader's mailbox refusing does not hold back or resend anyone else's.
        deliver.delay(send_id)
    return {"kind": kind, "period": period, "dispatched": len(send_ids)}


@shared_task(name="summaries.send_monthly")
def send_monthly(year: int | None = None, month: int | None = None) -> dict:
    """08:00 on the 1st: last month's figures to every leader, the year's Word report attached."""
    if year is None or month is None:
        year, month = rules.previous_month(local_today())
    return _plan_and_dispatch("monthly", rules.month_key(year, month))


@shared_task(name="summaries.send_risk_digest")
def send_risk_digest() -> dict:
    """Mondays 08:00: the risk queue to every leader."""
    return _plan_and_dispatch("risk_digest", rules.week_key(local_today()))


@shared_task(name="summaries.deliver", bind=True, max_retries=None)
def deliver(self, send_id: int) -> str:
    """One copy to one leader. A failure is committed on the row (attempts, error) before the retry, so the
    admin page shows it; the row's own attempt count, not Celery's, decides when to give up."""
    try:
        outcome = services.deliver(send_id, local_today())
    except services.SummaryDeliveryFailed as error:
        db.session.commit()
        attempts = db.session.scalar(select(SummarySend.attempts).where(SummarySend.id == send_id))
        if attempts >= current_app.config["CASETRACK_SUMMARY_MAX_ATTEMPTS"]:
            log.error("summary send %s gave up after %d attempts: %s", send_id, attempts, error)
            return "gave_up"
        if self.request.is_eager:
            # Without a broker there is no queue to come back from: try again at once (attempts bound this).
            return self.run(send_id)
        countdown = rules.retry_countdown(attempts, current_app.config["CASETRACK_SUMMARY_RETRY_SECONDS"])
        raise self.retry(exc=error, countdown=countdown) from error
    db.session.commit()
    return outcome
