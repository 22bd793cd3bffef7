"""Reading from a PostgreSQL streaming replica (``CASETRACK_DATABASE_REPLICA_URL``) where a page only reads what
many people open: the dashboard, report builds, exports, the API figures (``reads_replica``).

Everything else, and everything that writes, uses the primary: a session marked for the replica sends only its
SELECTs there; a flush, an INSERT/UPDATE/DELETE or a bare connection goes to the primary as before. Three things
keep a reader from being misled by a replica behind the primary:

- someone who has just changed something (a POST, PUT or DELETE that committed, remembered in their session cookie
  for ``CASETRACK_REPLICA_STICKY_SECONDS``) reads the primary, so they see their own change at once;
- a replica further behind than ``CASETRACK_REPLICA_MAX_LAG_SECONDS`` (or not answering) is not used;
- otherwise the page is told how far behind the replica is (``g.replica_lag``), and says so once it is at least
  ``CASETRACK_REPLICA_NOTICE_SECONDS``.

No state is kept in a process: any app server behind a load balancer routes a request the same way.
"""

from __future__ import annotations

import functools
import logging
import time

from flask import current_app, g, has_request_context, request, session
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import text

log = logging.getLogger(__name__)

#: The bind key of the replica's engine (SQLALCHEMY_BINDS).
REPLICA = "replica"
_MARK = "reads_replica"
_WROTE_AT = "wrote_at"
#: On the replica: how many seconds its last replayed change is behind, or 0 when it has replayed all it received.
LAG_SQL = text(
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
)


class RoutingSession(FlaskSession):
    """A session whose SELECTs go to the replica once ``use_replica`` marked it; all else to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and self.info.get(_MARK)
            and not self._flushing
            and clause is not None
            and getattr(clause, "is_select", False)
        ):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _db():
    # The app's Flask-SQLAlchemy, as it registered itself: casetrack.extensions imports this module for its
    # session class, so this module does not import it back.
    return current_app.extensions["sqlalchemy"]


def configured() -> bool:
    return bool(current_app.config.get("CASETRACK_DATABASE_REPLICA_URL"))


def lag_seconds() -> float | None:
    """How far the replica is behind, in seconds; None when it does not answer."""
    try:
        with _db().engines[REPLICA].connect() as connection:
            return float(connection.execute(LAG_SQL).scalar() or 0)
    except Exception as error:  # an unreachable replica is not an error for the reader: the primary answers
        log.warning("read replica unavailable: %s", error)
        return None


def use_replica() -> bool:
    """Send this request's (or job's) reads to the replica if it is configured, current enough and the reader has
    not just written. Returns whether it did; ``g.replica_lag`` tells the page how far behind it is."""
    if has_request_context():
        g.replica_lag = None
    if not configured():
        return False
    config = current_app.config
    if has_request_context():
        wrote_at = session.get(_WROTE_AT)
        if wrote_at and time.time() - wrote_at < config["CASETRACK_REPLICA_STICKY_SECONDS"]:
            return False
    lag = lag_seconds()
    if lag is None or lag > config["CASETRACK_REPLICA_MAX_LAG_SECONDS"]:
        if lag is not None:
            log.warning("read replica %.0f s behind: reading the primary", lag)
        return False
    _db().session.info[_MARK] = True
    if has_request_context():
        g.replica_lag = lag
    return True


def reads_replica(view):
    """A view that only reads what many people open: its SELECTs may go to the replica."""

    @functools.wraps(view)
    def routed(*args, **kwargs):
        use_replica()
        return view(*args, **kwargs)

    return routed


#: POSTs that change nothing a page shows: signing in and out.
NOT_WRITES = frozenset({"accounts.login", "accounts.logout"})


def remember_write() -> None:
    """After a committed POST, PUT or DELETE: this person reads the primary for a while (their own writes)."""
    if not (configured() and has_request_context()) or request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.endpoint not in NOT_WRITES:
        session[_WROTE_AT] = time.time()
