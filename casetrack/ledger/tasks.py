from __future__ import annotations

import logging

from celery import shared_task

from casetrack.ledger import background

log = logging.getLogger(__name__)


@shared_task(name="ledger.run_import", bind=True, max_retries=5)
def run_import(self, import_id: int) -> str:
    """Check or import one uploaded file (its state says which). A failure — the database away, say — is tried
    again with growing pauses: the import is all or nothing, so running it again is safe; after the last try the
    uploader is told it failed."""
    try:
        return background.run(import_id)
    except Exception as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            log.exception("ledger import %s failed", import_id)
            background.record_crash(import_id, error)
            return "failed"
        raise self.retry(exc=error, countdown=10 * 2**self.request.retries) from error
