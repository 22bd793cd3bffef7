"""The audit trail: every service that changes a record writes here, in the same transaction. The entries a
transaction wrote are sealed into the hash chain as it commits (``seal``); ``verify`` walks the chain."""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from celery import current_task
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import bindparam, delete, event, func, select, text, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from casetrack.audit import rules
from casetrack.audit.models import AuditEntry, AuditPurge
from casetrack.bulk import insert_rows
from casetrack.clock import utc_now
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import N_

#: The PostgreSQL advisory lock that lets one commit at a time take the next places in the chain.
CHAIN_LOCK = 0x63617365747261
#: Entries read at a time by ``verify`` and ``seal``.
CHAIN_BATCH = 10_000
_TABLE = AuditEntry.__table__


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


def _batch(session: Session) -> str:
    """The current transaction's mark on the entries it writes (see AuditEntry.batch)."""
    return session.info.setdefault("audit_batch", uuid.uuid4().hex)


def record(entity_type: str, entity_id: int, action: str, actor, changes: Iterable[tuple] = (), comment=None) -> None:
    rows = [{"field": field, "before": _text(old), "after": _text(new)} for field, old, new in changes] or [
        {"field": None, "before": None, "after": None}
    ]
    actor_id = actor.id if actor is not None else None
    source = current_source()
    # The app's clock, not the database's: one instant for every record of the same act, and the one a test (or the
    # demo, replaying its history) sets.
    at = utc_now()
    batch = _batch(db.session())
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
                batch=batch,
                **row,
            )
        )


def record_despite_refusal(entity_type: str, entity_id: int, action: str, actor_id: int | None, comment: str) -> None:
    """An entry that must outlive the request's rollback — a refused login is answered 401, and the unit of work
    rolls back every answer of 400 and above — so it is written in a transaction of its own."""
    batch = uuid.uuid4().hex
    with db.engine.begin() as connection:
        connection.execute(
            _TABLE.insert().values(
                entity_type=entity_type,
                entity_id=entity_id,
                action=action,
                actor_id=actor_id,
                comment=comment,
                source=current_source(),
                at=utc_now(),
                batch=batch,
            )
        )
        seal(connection, batch)


def record_many(rows: list[dict]) -> None:
    """Bulk form for imports: each row has entity_type, entity_id, action, field, before, after, actor_id. The rows
    take their places in the chain as they are written (sealing them afterwards, an UPDATE of each, cost an import
    7 s per 100,000 entries); the chain's lock is then held to the commit, as the import's rows are anyway."""
    if not rows:
        return
    keys = ("entity_type", "entity_id", "action", "field", "actor_id", "comment")
    source, at = current_source(), utc_now()
    db.session.flush()
    connection = db.session.connection()
    _lock_chain(connection)
    seq, previous = chain_head(connection)
    algorithm, written = _algorithm(), []
    for r in rows:
        seq += 1
        row = {
            **{k: r.get(k) for k in keys},
            "before": _text(r.get("before")),
            "after": _text(r.get("after")),
            "source": source,
            "at": at,
            "seq": seq,
            "prev_hash": previous,
        }
        row["entry_hash"] = previous = rules.entry_digest(row, previous, algorithm)
        written.append(row)
    insert_rows(AuditEntry.__table__, written)


def history(entity_type: str, entity_id: int) -> list[AuditEntry]:
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id.desc())
    )
    return list(db.session.scalars(stmt))


# --- the hash chain -----------------------------------------------------------------------------------------


def _algorithm() -> str:
    return current_app.config.get("CASETRACK_AUDIT_HASH", "sha256") if has_app_context() else "sha256"


def chain_head(connection: Connection) -> tuple[int, str]:
    """The last place taken in the chain and its hash: the newest entry, else the latest purge's, else none."""
    head = connection.execute(
        select(_TABLE.c.seq, _TABLE.c.entry_hash).where(_TABLE.c.seq.is_not(None)).order_by(_TABLE.c.seq.desc())
    ).first()
    if head is not None:
        return head.seq, head.entry_hash
    purge = connection.execute(
        select(AuditPurge.up_to_seq, AuditPurge.last_hash).order_by(AuditPurge.up_to_seq.desc())
    ).first()
    return (purge.up_to_seq, purge.last_hash) if purge is not None else (0, rules.GENESIS)


def _lock_chain(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def seal(connection: Connection, batch: str) -> int:
    """Give the entries marked ``batch`` the next places in the chain, in the order they were written; returns how
    many. On PostgreSQL an advisory lock, held to the end of the transaction, makes concurrent commits take their
    places one after the other; SQLite has one writer at a time anyway."""
    _lock_chain(connection)
    seq, previous = chain_head(connection)
    algorithm, sealed = _algorithm(), 0
    columns = [_TABLE.c.id, *(_TABLE.c[name] for name in rules.CHAINED_FIELDS if name != "seq")]
    while True:
        rows = connection.execute(
            select(*columns)
            .where(_TABLE.c.batch == batch, _TABLE.c.seq.is_(None))
            .order_by(_TABLE.c.id)
            .limit(CHAIN_BATCH)
        ).mappings()
        updates = []
        for row in rows:
            seq += 1
            digest = rules.entry_digest({**row, "seq": seq}, previous, algorithm)
            updates.append({"row_id": row["id"], "new_seq": seq, "new_prev": previous, "new_hash": digest})
            previous = digest
        if not updates:
            return sealed
        connection.execute(
            update(_TABLE)
            .where(_TABLE.c.id == bindparam("row_id"))
            .values(
                seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), entry_hash=bindparam("new_hash"), batch=None
            ),
            updates,
        )
        sealed += len(updates)


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    batch = session.info.get("audit_batch")
    if batch is not None:
        session.flush()
        seal(session.connection(), batch)


@event.listens_for(Session, "after_transaction_end")
def _forget_batch(session: Session, transaction) -> None:
    # Only when the outermost transaction ends: a savepoint rolled back (a refused step of a request) leaves the
    # entries written before it to be sealed at the commit.
    if transaction.parent is None:
        session.info.pop("audit_batch", None)


@dataclass(frozen=True)
class Verification:
    #: Entries checked (up to the break, when there is one).
    checked: int
    #: The hash of the last entry checked: noted down, it shows later that no entry was removed from the end.
    head: str
    broken: rules.Break | None


def verify() -> Verification:
    """Walk the chain from its start (or the latest purge) to its end, a batch at a time."""
    connection = db.session.connection()
    purge = connection.execute(
        select(AuditPurge.up_to_seq, AuditPurge.last_hash).order_by(AuditPurge.up_to_seq.desc())
    ).first()
    expected, previous = (purge.up_to_seq + 1, purge.last_hash) if purge is not None else (1, rules.GENESIS)
    columns = [_TABLE.c.id, _TABLE.c.prev_hash, _TABLE.c.entry_hash, *(_TABLE.c[name] for name in rules.CHAINED_FIELDS)]
    checked = 0
    while True:
        rows = list(
            connection.execute(
                select(*columns).where(_TABLE.c.seq >= expected).order_by(_TABLE.c.seq).limit(CHAIN_BATCH)
            ).mappings()
        )
        broken, after, next_expected = rules.first_break(rows, previous, expected)
        checked += next_expected - expected
        previous, expected = after, next_expected
        if broken is not None or len(rows) < CHAIN_BATCH:
            break
    if broken is None:
        outside = connection.execute(select(func.min(_TABLE.c.id)).where(_TABLE.c.seq.is_(None))).scalar()
        if outside is not None:
            broken = rules.Break(None, outside, "outside")
    return Verification(checked, previous, broken)


def purge(before: datetime, actor, now: datetime | None = None) -> int:
    """Remove the entries written before ``before``, refusing a moment inside the retention period. The entries go
    from the chain's start only, up to the first one that must stay, and the hash they end with is kept for the
    rest to follow (AuditPurge). Records itself. Flushes; returns how many went."""
    now = now or utc_now()
    days = max(rules.MIN_RETENTION_DAYS, int(current_app.config.get("CASETRACK_AUDIT_RETENTION_DAYS", 180)))
    if before > now - timedelta(days=days):
        raise DomainError(N_("Audit entries are kept for %(days)s days; nothing younger can be purged."), days=days)
    db.session.flush()
    first_kept = db.session.scalar(select(func.min(AuditEntry.seq)).where(AuditEntry.at >= before))
    last_gone = db.session.scalar(
        select(func.max(AuditEntry.seq)).where(AuditEntry.seq < first_kept if first_kept is not None else true())
    )
    if last_gone is None:
        return 0
    last_hash = db.session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == last_gone))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL casetrack.audit_purge = 'on'"))
    removed = db.session.execute(delete(AuditEntry).where(AuditEntry.seq <= last_gone)).rowcount
    db.session.add(AuditPurge(up_to_seq=last_gone, last_hash=last_hash, removed=removed, before=before, at=now))
    record("audit", 0, "purged", actor, [("before", None, before)], comment=str(removed))
    db.session.flush()
    return removed
