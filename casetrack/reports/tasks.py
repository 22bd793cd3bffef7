from __future__ import annotations

import logging

from celery import shared_task

from casetrack import replica
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.reports import services

log = logging.getLogger(__name__)


@shared_task(name="reports.build_annual", bind=True, max_retries=5)
def build_annual(self, year: int | None = None) -> dict:
    """5 January 02:00: last year's report, kept for download. A rebuild replaces the stored files."""
    year = year or local_today().year - 1
    try:
        with job_lock(f"annual_report_{year}", timeout=1800):
            replica.use_replica()  # the year's figures are read there; the files are stored on the primary
            stored = services.store_annual_report(year)
            db.session.commit()
    except JobAlreadyRunning:
        log.warning("the %s report is already being built; this run does nothing", year)
        return {"skipped": True}
    except Exception as error:
        db.session.rollback()
        raise self.retry(exc=error, countdown=300 * 2**self.request.retries, kwargs={"year": year}) from error
    return {"year": year, "formats": [s.format for s in stored]}
