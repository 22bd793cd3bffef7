"""The audit trail: every service that changes a record writes here, in the same transaction."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterable
from datetime import date, datetime

from celery import current_task
from flask import has_request_context, request
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.bulk import insert_rows
from casetrack.clock import utc_now
from casetrack.extensions import db


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def current_source() -> str:
    """Where the change is being made from, for entries whose actor alone does not say (the system)."""
    if has_request_context():
        return (request.remote_addr or "unknown")[:160]
    if current_task and current_task.request.id:  # a proxy: false outside a task
        return f"job {current_task.name}"[:160]
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container user with no passwd entry
        user = f"uid {os.getuid()}"
    return f"cli {user}@{socket.gethostname()}"[:160]


def diff(before: dict, after: dict) -> list[tuple[str, object, object]]:
    """The fields whose value differs, in ``after``'s order."""
    return [
        (field, before.get(field), value) for field, value in after.items() if _text(before.get(field)) != _text(value)
    ]


def record(entity_type: str, entity_id: int, action: str, actor, changes: Iterable[tuple] = (), comment=None) -> None:
    rows = [{"field": field, "before": _text(old), "after": _text(new)} for field, old, new in changes] or [
        {"field": None, "before": None, "after": None}
    ]
    actor_id = actor.id if actor is not None else None
    source = current_source()
    # The app's clock, not the database's: one instant for every record of the same act, and the one a test (or the
    # demo, replaying its history) sets.
    at = utc_now()
    for row in rows:
        db.session.add(
            AuditEntry(
                entity_type=entity_type,
                entity_id=entity_id,
                action=action,
                actor_id=actor_id,
                comment=comment,
                source=source,
                at=at,
                **row,
            )
        )


def record_despite_refusal(entity_type: str, entity_id: int, action: str, actor_id: int | None, comment: str) -> None:
    """An entry that must outlive the request's rollback — a refused login is answered 401, and the unit of work
    rolls back every answer of 400 and above — so it is written in a transaction of its own."""
    with db.engine.begin() as connection:
        connection.execute(
            AuditEntry.__table__.insert().values(
                entity_type=entity_type,
                entity_id=entity_id,
                action=action,
                actor_id=actor_id,
                comment=comment,
                source=current_source(),
                at=utc_now(),
            )
        )


def record_many(rows: list[dict]) -> None:
    """Bulk form for imports: each row has entity_type, entity_id, action, field, before, after, actor_id."""
    keys = ("entity_type", "entity_id", "action", "field", "actor_id", "comment")
    source, at = current_source(), utc_now()
    insert_rows(
        AuditEntry.__table__,
        [
            {
                **{k: r.get(k) for k in keys},
                "before": _text(r.get("before")),
                "after": _text(r.get("after")),
                "source": source,
                "at": at,
            }
            for r in rows
        ],
    )


def history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
    )
    return list(db.session.scalars(stmt))
