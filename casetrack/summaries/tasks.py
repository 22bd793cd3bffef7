from __future__ import annotations

import logging

from celery import shared_task

from casetrack import deliveries
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats.rules import previous_month
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
    return deliveries.redispatch_stalled(SummarySend, deliver)


@shared_task(name="summaries.deliver", bind=True, max_retries=None)
def deliver(self, send_id: int) -> str:
    """One copy to one leader (deliveries: claimed once, never mailed twice)."""
    today = local_today()
    return deliveries.deliver_with_retries(self, SummarySend, send_id, lambda send: services.compose(send, today))
