"""Large ledger files in the worker: the check and the import run there when a broker is present, and the uploader
watches their progress. The import itself is the same all-or-nothing ``services.import_ledger``; its LedgerImport
row changes state in the same transaction as the import's writes, so a worker killed half-way leaves the file
neither half-imported nor marked done, and the re-delivered task simply runs it again."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import update

from casetrack import broker
from casetrack.accounts.models import User
from casetrack.clock import local_today
from casetrack.errors import ConflictError, DomainError, NotFound
from casetrack.extensions import db
from casetrack.i18n import N_, Msgid
from casetrack.ledger import services, uploads
from casetrack.ledger.context import RowError
from casetrack.ledger.models import LedgerImport

log = logging.getLogger(__name__)

#: How long the uploader's page may read a progress entry after the last word from the worker.
PROGRESS_SECONDS = 24 * 3600
RUNNING = ("checking", "importing")
_MSGID = "msgid"


def wanted(size_bytes: int) -> bool:
    """A file this large goes to the worker — when there is one to go to."""
    return size_bytes >= current_app.config["CASETRACK_IMPORT_BACKGROUND_BYTES"] and broker.reachable()


def start(actor, stored_name: str, original_name: str, size_bytes: int) -> LedgerImport:
    job = LedgerImport(
        user_id=actor.id,
        stored_name=stored_name,
        original_name=original_name[:255],
        size_bytes=size_bytes,
        state="checking",
    )
    db.session.add(job)
    db.session.flush()
    return job


def job_of(import_id: int, actor) -> LedgerImport:
    """Only the uploader sees an import of theirs (its rows may be another unit's)."""
    job = db.session.get(LedgerImport, import_id)
    if job is None or job.user_id != actor.id:
        raise NotFound(N_("The page or record does not exist."))
    return job


def confirm(import_id: int, actor) -> LedgerImport:
    """ "Import now" on a checked file; the conditional UPDATE makes a double click one import. Flushes."""
    job = job_of(import_id, actor)
    claimed = db.session.execute(
        update(LedgerImport)
        .where(LedgerImport.id == job.id, LedgerImport.state == "checked")
        .values(state="importing")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise ConflictError(N_("This file is not waiting to be imported (already imported, or still being checked)."))
    db.session.refresh(job)
    return job


def stored_upload(job: LedgerImport) -> uploads.StoredUpload | None:
    return uploads.find(job.stored_name, job.user_id, uploads.directory(current_app.instance_path))


def run(import_id: int) -> str:
    """The worker's half: check the file (state checking) or import it (state importing). Commits."""
    job = db.session.get(LedgerImport, import_id)
    if job is None or job.state not in RUNNING:
        return "nothing to do"
    dry_run = job.state == "checking"
    stored, user = stored_upload(job), db.session.get(User, job.user_id)
    if stored is None or user is None or not user.active:
        _finish(job, "failed", error=N_("The uploaded file is no longer available. Upload it again."))
        db.session.commit()
        return job.state
    try:
        report = services.import_ledger(
            stored.path,
            user,
            local_today(),
            dry_run=dry_run,
            original_name=job.original_name,
            progress=_reporter(job.id),
        )
    except DomainError as error:  # the uploader's role changed meanwhile, say
        db.session.rollback()
        job = db.session.get(LedgerImport, import_id)
        _finish(job, "failed", error=error.translated())
        uploads.discard(stored)
        db.session.commit()
        return job.state
    if dry_run:
        # The check wrote nothing that is kept: only its report is.
        db.session.rollback()
        job = db.session.get(LedgerImport, import_id)
        _finish(job, "checked" if report.ok else "rejected", report=report)
    else:
        _finish(job, "imported" if report.applied else "rejected", report=report)
    if job.state in ("rejected", "imported"):
        uploads.discard(stored)
    db.session.commit()
    return job.state


def record_crash(import_id: int, error: Exception) -> None:
    """The task gave up: the uploader is told instead of watching a progress bar for ever. Commits."""
    db.session.rollback()
    job = db.session.get(LedgerImport, import_id)
    if job is not None and job.state in RUNNING:
        _finish(job, "failed", error=f"{type(error).__name__}: {error}"[:2000])
        stored = stored_upload(job)
        if stored is not None:
            uploads.discard(stored)
        db.session.commit()


def _finish(job: LedgerImport, state: str, report: services.ImportReport | None = None, error: str | None = None):
    job.state, job.error, job.finished_at = state, error, datetime.now(UTC)
    if report is not None:
        stored = dataclasses.asdict(report)
        # A label among a message's params (a Msgid) must still be translated when the stored report is shown.
        for error, row_error in zip(stored["errors"], report.errors, strict=True):
            error["params"] = {
                key: {_MSGID: value} if isinstance(value, Msgid) else value for key, value in row_error.params.items()
            }
        job.report = stored
    db.session.flush()


def report_of(job: LedgerImport) -> services.ImportReport | None:
    if not job.report:
        return None
    stored = dict(job.report)
    errors = []
    for error in stored.pop("errors", []):
        params = {
            key: Msgid(value[_MSGID]) if isinstance(value, dict) and _MSGID in value else value
            for key, value in error.pop("params", {}).items()
        }
        errors.append(RowError(**error, params=params))
    return services.ImportReport(**stored, errors=errors)


# --- progress, kept in Redis: the import's own transaction is not visible until it ends ------------------------


def _key(import_id: int) -> str:
    return current_app.config["CASETRACK_REDIS_KEY_PREFIX"] + f"ledger-import:{import_id}"


def _reporter(import_id: int):
    def report(phase: str, done: int, total: int) -> None:
        try:
            client = broker.client()
            client.hset(_key(import_id), mapping={"phase": phase, "done": done, "total": total})
            client.expire(_key(import_id), PROGRESS_SECONDS)
        except Exception:  # noqa: BLE001 — progress is a courtesy; the import goes on without it
            log.debug("progress of ledger import %s not recorded", import_id, exc_info=True)

    return report


def progress(job: LedgerImport) -> dict:
    """What the uploader's page shows: the state, and while running the phase and rows done of the total."""
    answer = {"state": job.state, "phase": "", "done": 0, "total": 0}
    if job.state in RUNNING:
        try:
            stored = broker.client().hgetall(_key(job.id))
        except Exception:  # noqa: BLE001
            stored = {}
        answer.update(
            phase=stored.get(b"phase", b"").decode(),
            done=int(stored.get(b"done", 0)),
            total=int(stored.get(b"total", 0)),
        )
    return answer
