from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.clock import utc_now
from casetrack.extensions import db
from casetrack.system import backup

log = logging.getLogger(__name__)


@shared_task(name="system.ping")
def ping() -> dict:
    """A health check that proves the worker reaches the broker and the database."""
    return {"pong": True, "users": db.session.scalar(select(func.count(User.id)))}


@shared_task(name="system.nightly_backup", bind=True, max_retries=3)
def nightly_backup(self) -> dict:
    """02:30 each night: an archive in CASETRACK_BACKUP_DIR, the newest CASETRACK_BACKUP_KEEP kept. A failed run is
    tried again; the archives already there are left alone until a new one is whole."""
    directory = backup.backup_directory()
    try:
        made = backup.create(directory / backup.archive_name(utc_now()))
    except Exception as error:
        db.session.rollback()
        log.error("nightly backup failed: %s", error)
        raise self.retry(exc=error, countdown=300 * 2**self.request.retries) from error
    removed = backup.prune(directory, int(current_app.config["CASETRACK_BACKUP_KEEP"]))
    return {"archive": str(made.path), "bytes": made.bytes, "removed": [p.name for p in removed]}
