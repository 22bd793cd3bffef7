"""The one commit point of a web request (after Indico's ``RH.process``): a request that answers below 400 commits
everything its services flushed; any other answer, or an exception, rolls back. Views never commit or roll back;
a refused service call is undone by the savepoint it ran in, so the view can go on rendering a message."""

from __future__ import annotations

import contextlib

from flask import Flask, flash, g
from sqlalchemy.orm.exc import StaleDataError

from casetrack import replica
from casetrack.errors import ConflictError, DomainError
from casetrack.extensions import db
from casetrack.params import parse_id


def register_unit_of_work(app: Flask) -> None:
    @app.after_request
    def _commit_or_roll_back(response):
        if response.status_code < 400 and not g.get("discard_changes"):
            db.session.commit()
            replica.remember_write()
            for callback in g.pop("after_commit", []):
                callback()
        else:
            db.session.rollback()
        return response


def after_commit(callback) -> None:
    """Run ``callback`` once this request's changes are committed: a task queued earlier could reach a worker
    before the rows it reads exist."""
    g.setdefault("after_commit", []).append(callback)


@contextlib.contextmanager
def savepoint():
    """Run service calls so that a refusal (a DomainError, a version conflict) undoes only what they flushed."""
    with db.session.begin_nested():
        yield


def attempted(work) -> tuple[bool, object]:
    """Run one service call in a savepoint: (True, what it returned), or (False, None) once why it was refused is
    flashed (the request still commits nothing of the refused call)."""
    try:
        with savepoint():
            return True, work()
    except DomainError as error:
        flash(error.translated(), "error")
        return False, None


def attempt(work, success: str | None = None) -> bool:
    """``attempted`` for a call whose result the view does not need: flash ``success`` if it was not refused."""
    done, _ = attempted(work)
    if done and success:
        flash(success, "info")
    return done


def discard_changes() -> None:
    """End this request without committing, whatever it answers (a dry run that wrote to show a preview)."""
    g.discard_changes = True
    db.session.rollback()


def check_version(record, expected_version, message: str) -> None:
    """Optimistic locking: refuse a save made on a page older than the record. ``expected_version`` is what the
    form carried (forms.VersionField), or None from a caller that does not check (a job, a command, the system)."""
    # A version that is missing or empty (the form gives "" then), or not a number (a tampered or broken form),
    # cannot be the record's: refused like an old one.
    if expected_version is not None and parse_id(expected_version) != record.version:
        raise ConflictError(message)


def flush_or_conflict(message: str) -> None:
    """Flush; a row someone else saved meanwhile (the version column moved on) becomes a ConflictError."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise ConflictError(message) from exc
