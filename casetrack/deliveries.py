"""Mail that must arrive once: a leader's summary, a person's reminder digest. Each copy is a row that moves
pending → sending → sent, or failed (tried again with growing pauses until its attempts run out), or unknown: a
worker died or the connection broke while the mail server was answering, so the copy may have arrived and only an
administrator may send it again. "sending" is committed before the mail server is asked; that mark, and one
conditional UPDATE as the claim, are what keep a retried, re-delivered or duplicated task from mailing anyone twice.
The kinds of copy differ only in what the message says (``compose``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import DateTime, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from casetrack import mail
from casetrack.clock import as_utc
from casetrack.extensions import db
from casetrack.i18n import N_

log = logging.getLogger(__name__)

STATUSES = ("pending", "sending", "sent", "failed", "unknown")
STATUS_LABELS = {
    "pending": N_("Waiting"),
    "sending": N_("Sending"),
    "sent": N_("Sent"),
    "failed": N_("Failed to send"),
    "unknown": N_("Interrupted: check with the recipient"),
}
#: A copy "sending" for longer than this was interrupted (the SMTP timeout is 30 s): it may or may not have arrived.
SENDING_GRACE = timedelta(minutes=10)


class DeliveryFailed(RuntimeError):
    pass


class DeliveryState:
    """The columns every copy has (a mixin for the models)."""

    #: The address used, kept as it was at the time of sending.
    email: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When the last attempt began; a copy still "sending" long after this was interrupted.
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def max_attempts() -> int:
    return current_app.config["CASETRACK_SUMMARY_MAX_ATTEMPTS"]


def pause_after(attempts: int, base_seconds: int) -> int:
    """Seconds before the next try after ``attempts`` failures: base, 2×base, 4×base … (5, 10, 20 min by default)."""
    return base_seconds * 2 ** max(attempts - 1, 0)


def retry_countdown(attempts: int) -> int:
    return pause_after(attempts, current_app.config["CASETRACK_SUMMARY_RETRY_SECONDS"])


def claim(model, copy_id: int):
    """Take one copy for sending, or None when there is nothing to send: already sent, someone else holds it,
    attempts are used up, or a previous attempt died mid-send — then it becomes "unknown", because sending it
    again could deliver it twice. The caller commits the claim before talking to the mail server. Flushes."""
    now = datetime.now(UTC)
    copy = db.session.get(model, copy_id)
    if copy is None:
        return None
    if copy.status == "sending" and copy.last_attempt_at and as_utc(copy.last_attempt_at) <= now - SENDING_GRACE:
        mark_unknown(copy, "interrupted while talking to the mail server: the copy may or may not have arrived")
        return None
    # One conditional UPDATE is the claim: of two deliveries of the same copy (a duplicate task, the sweep, an
    # administrator's resend, two command-line runs) exactly one changes the row — on SQLite too, which has no
    # row locks.
    claimed = db.session.execute(
        update(model)
        .where(model.id == copy_id, model.status.in_(("pending", "failed")), model.attempts < max_attempts())
        .values(status="sending", attempts=model.attempts + 1, last_attempt_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    db.session.refresh(copy)
    return copy


def mark_unknown(copy, why: str) -> None:
    copy.status, copy.last_error = "unknown", why[:2000]
    db.session.flush()
    log.error("%s %s: %s; left for an administrator", type(copy).__name__, copy.id, why)


def record_sent(copy) -> None:
    """The mail server accepted the copy. last_error stays: the admin page shows that a copy got through only on a
    later attempt, and why. Flushes."""
    copy.status, copy.sent_at = "sent", datetime.now(UTC)
    db.session.flush()


def record_failure(copy, error: Exception) -> None:
    """The copy certainly did not arrive (refused, unreachable, could not be composed). Flushes."""
    copy.status, copy.last_error = "failed", f"{type(error).__name__}: {error}"[:2000]
    db.session.flush()
    log.warning("%s %s to %s failed (attempt %d): %s", type(copy).__name__, copy.id, copy.email, copy.attempts, error)


def deliver(
    model, copy_id: int, compose: Callable, on_sent: Callable = lambda copy: None, transport: Callable = mail.send
) -> str:
    """Send one copy, committing each step so the admin page shows it: the claim, then sent / unknown / failed.
    Returns "sent", "unknown" or "nothing to send"; raises DeliveryFailed when it certainly did not arrive and may
    be tried again (the caller decides when), with the failure already committed. ``transport`` delivers what
    ``compose`` made (mail.send; a group robot's post), raising mail.DeliveryUncertain when it may have arrived."""
    copy = claim(model, copy_id)
    db.session.commit()
    if copy is None:
        return "nothing to send"
    try:
        message = compose(copy)
    except Exception as error:
        log.exception("%s %s could not be composed", model.__name__, copy_id)
        record_failure(copy, error)
        db.session.commit()
        raise DeliveryFailed(copy.last_error) from error
    try:
        transport(message)
    except mail.DeliveryUncertain as error:
        mark_unknown(copy, f"may or may not have arrived: {error}")
        db.session.commit()
        return "unknown"
    except Exception as error:
        record_failure(copy, error)
        db.session.commit()
        raise DeliveryFailed(copy.last_error) from error
    record_sent(copy)
    on_sent(copy)
    db.session.commit()
    return "sent"


def deliver_with_retries(
    task, model, copy_id: int, compose: Callable, on_sent: Callable = lambda copy: None, transport: Callable = mail.send
) -> str:
    """The body of a Celery task delivering one copy: a failure is retried after its back-off until the row's own
    attempt count — not Celery's — says to give up. Without a broker there is no queue to come back from, so an
    eager task tries again at once — at most as many times as a copy has attempts, counted here as well, so a row
    whose count could not be stored cannot keep it trying."""
    for _ in range(max_attempts()):
        try:
            return deliver(model, copy_id, compose, on_sent, transport)
        except DeliveryFailed as error:
            attempts = db.session.get(model, copy_id).attempts
            if attempts >= max_attempts():
                log.error("%s %s gave up after %d attempts: %s", model.__name__, copy_id, attempts, error)
                return "gave up"
            if not task.request.is_eager:
                raise task.retry(exc=error, countdown=retry_countdown(attempts)) from error
    return "gave up"


def allow_resend(model, copy_id: int, actor, entity_type: str):
    """An administrator sends a failed or "unknown" copy again, with a fresh set of attempts. Flushes."""
    from casetrack.audit.services import record
    from casetrack.errors import ConflictError, NotFound

    copy = db.session.scalar(select(model).where(model.id == copy_id).with_for_update())
    if copy is None:
        raise NotFound(N_("The page or record does not exist."))
    if copy.status not in ("failed", "unknown"):
        raise ConflictError(N_("Only a failed or interrupted copy can be sent again."))
    # last_attempt_at now: the hourly sweep picks the copy up if this dispatch is lost, however old the copy.
    copy.status, copy.attempts, copy.last_attempt_at = "pending", 0, datetime.now(UTC)
    db.session.flush()
    record(entity_type, copy.id, "resend_requested", actor)
    return copy


def stalled(model, now: datetime) -> list[int]:
    """Copies that should be on their way but are not: planned and never tried (the dispatch was lost), failed and
    not retried for longer than the longest back-off, or stuck "sending" past the grace period."""
    longest_pause = timedelta(seconds=retry_countdown(max_attempts()))
    last_touched = func.coalesce(model.last_attempt_at, model.created_at)
    return list(
        db.session.scalars(
            select(model.id).where(
                (
                    (model.status == "pending") & (last_touched < now - SENDING_GRACE)
                    | (model.status == "failed")
                    & (model.attempts < max_attempts())
                    & (last_touched < now - longest_pause)
                    | (model.status == "sending") & (last_touched < now - SENDING_GRACE)
                ),
                last_touched > now - timedelta(days=31),
            )
        )
    )


def redispatch_stalled(model, deliver_task) -> int:
    """The hourly sweep's body: each stalled copy goes to ``deliver_task`` again (one "sending" past its grace
    becomes "unknown" there instead of going out twice)."""
    copy_ids = stalled(model, datetime.now(UTC))
    for copy_id in copy_ids:
        deliver_task.delay(copy_id)
    if copy_ids:
        log.warning("re-dispatched %d stalled %s", len(copy_ids), model.__tablename__)
    return len(copy_ids)
