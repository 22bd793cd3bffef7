from __future__ import annotations

import logging

from celery import shared_task

from casetrack import deliveries
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats.rules import previous_month
from casetrack.summaries import rules, services
from casetrack.summaries.channels import send as post_to_robot
from casetrack.summaries.models import SummarySend, TargetSend

log = logging.getLogger(__name__)


def _plan_and_dispatch(kind: str, period: str) -> dict:
    send_ids = services.plan_sends(kind, period)
    target_send_ids = services.plan_target_sends(kind, period)
    db.session.commit()
    for send_id in send_ids:
        # One task per copy: one leader's mailbox refusing does not hold back or resend anyone else's.
        deliver.delay(send_id)
    for send_id in target_send_ids:
        deliver_to_target.delay(send_id)
    return {"kind": kind, "period": period, "dispatched": len(send_ids), "groups": len(target_send_ids)}


@shared_task(name="summaries.send_monthly", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_monthly(year: int | None = None, month: int | None = None) -> dict:
    """08:00 on the 1st: last month's figures to every leader, the Word report of the year to that month attached."""
    if year is None or month is None:
        year, month = previous_month(local_today())
    return _plan_and_dispatch("monthly", rules.month_key(year, month))


@shared_task(name="summaries.send_risk_digest", autoretry_for=(Exception,), retry_backoff=60, max_retries=5)
def send_risk_digest(period: str | None = None) -> dict:
    """Mondays 08:00: the risk queue to every leader."""
    return _plan_and_dispatch("risk_digest", period or rules.week_key(local_today()))


def send_now(kind: str, period: str) -> dict:
    """`summaries send`: the job's own planning, then each copy delivered here and now rather than queued — the
    same rows, so a copy the scheduled job already sent is not sent again. Returns the copies' states."""
    send_ids = services.plan_sends(kind, period)
    target_send_ids = services.plan_target_sends(kind, period)
    db.session.commit()
    for send_id in send_ids:
        deliver.apply(args=(send_id,))
    for send_id in target_send_ids:
        deliver_to_target.apply(args=(send_id,))
    return services.send_states(kind, period)


@shared_task(name="summaries.redispatch_stalled")
def redispatch_stalled() -> int:
    """Hourly: copies whose task was lost (broker restart, worker killed) are dispatched again."""
    return deliveries.redispatch_stalled(SummarySend, deliver) + deliveries.redispatch_stalled(
        TargetSend, deliver_to_target
    )


@shared_task(name="summaries.deliver", bind=True, max_retries=None)
def deliver(self, send_id: int) -> str:
    """One copy to one leader (deliveries: claimed once, never mailed twice)."""
    today = local_today()
    return deliveries.deliver_with_retries(self, SummarySend, send_id, lambda send: services.compose(send, today))


@shared_task(name="summaries.deliver_to_target", bind=True, max_retries=None)
def deliver_to_target(self, send_id: int) -> str:
    """One summary to one group robot (deliveries: claimed once, never posted twice)."""
    today = local_today()
    return deliveries.deliver_with_retries(
        self,
        TargetSend,
        send_id,
        lambda send: services.compose_for_target(send, today),
        transport=post_to_robot,
    )
