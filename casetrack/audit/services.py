"""The audit trail: every service that changes a record writes here, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.bulk import insert_rows
from casetrack.extensions import db


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


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
    for row in rows:
        db.session.add(
            AuditEntry(
                entity_type=entity_type, entity_id=entity_id, action=action, actor_id=actor_id, comment=comment, **row
            )
        )


def record_despite_refusal(entity_type: str, entity_id: int, action: str, actor_id: int | None, comment: str) -> None:
    """An entry that must outlive the request's rollback — a refused login is answered 401, and the unit of work
    rolls back every answer of 400 and above — so it is written in a transaction of its own."""
    with db.engine.begin() as connection:
        connection.execute(
            AuditEntry.__table__.insert().values(
                entity_type=entity_type, entity_id=entity_id, action=action, actor_id=actor_id, comment=comment
            )
        )


def record_many(rows: list[dict]) -> None:
    """Bulk form for imports: each row has entity_type, entity_id, action, field, before, after, actor_id."""
    keys = ("entity_type", "entity_id", "action", "field", "actor_id", "comment")
    insert_rows(
        AuditEntry.__table__,
        [
            {**{k: r.get(k) for k in keys}, "before": _text(r.get("before")), "after": _text(r.get("after"))}
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
