from __future__ import annotations

import logging

from celery import shared_task

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.stats import services

log = logging.getLogger(__name__)

#: A run over a province-sized data set takes minutes; the lock outlives any plausible run.
LOCK_SECONDS = 3 * 3600


def compute_figures(year: int | None = None, month: int | None = None) -> dict:
    """The monthly figures job under its lock, committed. `stats compute` calls this too: the same code."""
    with job_lock("stats_compute_monthly", timeout=LOCK_SECONDS):
        result = services.run_monthly_job(year, month, local_today())
        db.session.commit()
    return result.as_dict()


def keep_figures(rebuild: bool = False) -> dict:
    """The kept figures' nightly recount under its lock, committed (`stats keep` calls this too)."""
    from casetrack.stats import kept

    with job_lock("stats_keep_figures", timeout=LOCK_SECONDS):
        result = {"rebuilt": kept.rebuild()} if rebuild else kept.refresh_open()
        db.session.commit()
    return result


@shared_task(name="stats.keep_figures", bind=True, max_retries=5)
def keep_figures_nightly(self) -> dict:
    """00:05 each night: a sitting held yesterday now counts in the open month's and year's kept figures."""
    try:
        return keep_figures()
    except JobAlreadyRunning:
        log.warning("kept figures already being recounted; this run does nothing")
        return {"skipped": True}
    except Exception as error:
        db.session.rollback()
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@shared_task(name="stats.compute_monthly", bind=True, max_retries=5)
def compute_monthly(self, year: int | None = None, month: int | None = None) -> dict:
    """1st of each month 01:00, and on demand. A run that finds another one going does nothing."""
    try:
        return compute_figures(year, month)
    except JobAlreadyRunning:
        log.warning("figure snapshots already being computed; this run does nothing")
        return {"skipped": True}
    except Exception as error:
        db.session.rollback()
        # Backs off 5, 10, 20 … minutes; nothing half-written stays behind, the rollback saw to that.
        raise self.retry(exc=error, countdown=300 * 2**self.request.retries) from error
