"""Kept figures: stats.queries' counts per unit and month, kept current in the transaction of every change, so the
pages opened most (dashboard, API figures, summaries) read a few hundred rows instead of the case table.

How they are kept. Every flush notes which cases, hearings and mediations it changes; before the transaction
commits, the (family, unit, month) buckets those rows belonged to before and belong to after are recomputed by the
definitions themselves (stats.queries.family_counts_per_unit over that month and those units). Not triggers: they
would be a second copy of every definition, in two SQL dialects, that nothing holds equal to the first. Not
increments: a case's counts depend on other cases (the lawsuit that follows a review, the first instance an appeal
reverses) and on the day (a sitting counts once held), which a delta cannot see; a recount of the bucket can.
A change that rolls back takes its recount with it; two transactions recounting one month take turns (an
advisory lock on PostgreSQL, SQLite writes one at a time), so the last to commit counts the other's rows too.

Writes that bypass the ORM (the ledger's bulk import) say which cases they touch with ``changing``/``changed``,
and which they create with ``inserted``. A new case changes no other case's counts but those of the cases it links
to, so its counts (the definitions over the new cases alone) are added to its buckets instead of recounting them:
an import of 20,000 new cases adds to some ten thousand buckets where a recount read every case of those months.

A sitting counts once held, so an open month's or year's hearing counts hold for the day they were computed on:
a nightly job (``refresh_open``) recounts the open periods; until it has run, those counts are read live.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from casetrack.clock import local_today, utc_now
from casetrack.extensions import db
from casetrack.stats import queries
from casetrack.stats.models import BUCKET_COUNTS, FigureBucket, FigureBucketState
from casetrack.stats.queries import LIVE, Period

log = logging.getLogger(__name__)

_PENDING = "kept_figures_pending"
_TABLE = FigureBucket.__table__
_FAMILY_KEYS = {family: tuple(zeros) for family, zeros in queries.family_zeros().items()}
#: A month's or a year's recount takes this advisory lock on PostgreSQL (key = LOCK_BASE + months since year 0).
LOCK_BASE = 0x6B657074_00000000


# --- which definitions the buckets hold ------------------------------------------------------------------------


@functools.cache
def fingerprint() -> str:
    """A digest of the definitions: the functions of stats.queries that write a kept count's SQL, and what they
    count by (kinds, outcomes, mediation states). Buckets built from other definitions are not read until rebuilt
    (`stats keep` after an upgrade; the nightly job otherwise)."""
    from casetrack.cases import kinds
    from casetrack.cases import models as case_models
    from casetrack.mediation import rules as mediation_rules
    from casetrack.stats import figures as registry

    definitions = (
        queries._case_count_columns,
        queries._case_counts_select,
        queries._reason_select,
        queries._held_once_per_case,
        queries._appearance_counts_of_main,
        queries._appearance_counts_of_co,
        queries.review_hearing_counts,
        queries.mediation_counts,
        queries.family_counts_per_unit,
        queries.family_counts_per_unit_and_month,
    )
    parts = [
        *(inspect.getsource(definition) for definition in definitions),
        inspect.getsource(kinds),
        inspect.getsource(case_models.outcome_counts_in),
        repr(sorted(mediation_rules.COUNTED_STATUSES)),
        repr(registry.REASON_CODES),
        repr(BUCKET_COUNTS),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def state() -> FigureBucketState | None:
    found = db.session.get(FigureBucketState, 1)
    return found if found is not None and found.fingerprint == fingerprint() else None


# --- noting what a transaction changes --------------------------------------------------------------------------


@dataclass
class _Pending:
    #: Cases whose buckets (now, and as they were before this transaction touched them) are to be recounted.
    case_ids: set[int] = field(default_factory=set)
    mediation_ids: set[int] = field(default_factory=set)
    #: (family, unit id, first of month) of the rows as they were, read before each flush changed them.
    keys: set[tuple[str, int, date]] = field(default_factory=set)
    #: Objects of this flush without an id yet.
    unsaved: list = field(default_factory=list)
    #: Rows a bulk statement inserted: their counts are added to their buckets (unless recounted anyway).
    new_case_ids: set[int] = field(default_factory=set)
    new_mediation_ids: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.keys or self.case_ids or self.mediation_ids or self.new_case_ids or self.new_mediation_ids)

    def clear(self) -> None:
        self.keys, self.case_ids, self.mediation_ids = set(), set(), set()
        self.new_case_ids, self.new_mediation_ids = set(), set()


def _pending(session) -> _Pending:
    return session.info.setdefault(_PENDING, _Pending())


def changing(case_ids=(), mediation_ids=()) -> None:
    """Before a bulk statement changes these cases or mediations: note the buckets they are in now."""
    pending = _pending(db.session)
    pending.keys |= _case_keys(set(case_ids)) | _mediation_keys(set(mediation_ids))
    changed(case_ids, mediation_ids)


def changed(case_ids=(), mediation_ids=()) -> None:
    """After a bulk statement inserted or changed these cases or mediations: recount their buckets at commit."""
    pending = _pending(db.session)
    pending.case_ids |= set(case_ids)
    pending.mediation_ids |= set(mediation_ids)


def inserted(case_ids=(), mediation_ids=()) -> None:
    """After a bulk statement inserted these cases or mediations: add their counts to their buckets at commit."""
    pending = _pending(db.session)
    pending.new_case_ids |= set(case_ids)
    pending.new_mediation_ids |= set(mediation_ids)


def _case_ids_of(obj) -> set[int]:
    """The cases an object's figures belong to, as it is now and as it was before this flush."""
    from sqlalchemy import inspect as inspect_object

    from casetrack.hearings.models import HearingAppearance

    state_of = inspect_object(obj)
    column = "hearing_id" if isinstance(obj, HearingAppearance) else "case_id"
    history = state_of.attrs[column].history
    found = {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}
    if isinstance(obj, HearingAppearance):
        from casetrack.hearings.models import Hearing

        return set(db.session.scalars(select(Hearing.case_id).where(Hearing.id.in_(found)))) if found else set()
    return found


def _tracked():
    from casetrack.cases.models import Case, CaseRespondent
    from casetrack.hearings.models import Hearing, HearingAppearance
    from casetrack.mediation.models import Mediation
    from casetrack.rectification.models import CaseAdverseReason
    from casetrack.review_hearings.models import ReviewHearing

    return Case, Mediation, (CaseRespondent, Hearing, HearingAppearance, ReviewHearing, CaseAdverseReason)


def _before_flush(session, flush_context, instances) -> None:
    counted = queries.case_columns_counted()
    old_cases, old_mediations = set(), set()
    pending = _pending(session)
    with session.no_autoflush:
        _note(session, pending, counted, old_cases, old_mediations)
        if old_cases or old_mediations:
            pending.keys |= _case_keys(old_cases) | _mediation_keys(old_mediations)
    pending.case_ids |= old_cases
    pending.mediation_ids |= old_mediations


def _note(session, pending: _Pending, counted: frozenset[str], old_cases: set, old_mediations: set) -> None:
    case_class, mediation_class, case_parts = _tracked()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, case_class):
            if obj.id is None:
                pending.unsaved.append(obj)
            elif obj in session.deleted or _changed_any(obj, counted):
                old_cases.add(obj.id)
        elif isinstance(obj, mediation_class):
            if obj.id is None:
                pending.unsaved.append(obj)
            elif obj in session.deleted or session.is_modified(obj):
                old_mediations.add(obj.id)
        elif isinstance(obj, case_parts):
            if obj in session.new:
                pending.unsaved.append(obj)
            if obj in session.deleted or obj in session.new or session.is_modified(obj):
                old_cases |= _case_ids_of(obj)


def _changed_any(obj, columns: frozenset[str]) -> bool:
    from sqlalchemy import inspect as inspect_object

    attrs = inspect_object(obj).attrs
    return any(attrs[name].history.has_changes() for name in columns if name in attrs)


def _after_flush(session, flush_context) -> None:
    pending = session.info.get(_PENDING)
    if pending is None or not pending.unsaved:
        return
    case_class, mediation_class, _ = _tracked()
    for obj in pending.unsaved:
        if isinstance(obj, case_class):
            pending.case_ids.add(obj.id)
        elif isinstance(obj, mediation_class):
            pending.mediation_ids.add(obj.id)
        else:
            pending.case_ids |= _case_ids_of(obj)
    pending.unsaved.clear()


def _before_commit(session) -> None:
    # The commit's own flush comes after this hook: flush first, so its changes are noted and recounted too.
    session.flush()
    if _PENDING in session.info:
        settle(session)


def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _bulk_write(table: str, ids: set[int], when: str) -> None:
    if table not in ("cases", "mediations"):
        return
    case_ids, mediation_ids = (ids, ()) if table == "cases" else ((), ids)
    {"changing": changing, "changed": changed, "inserted": inserted}[when](case_ids, mediation_ids)


def register() -> None:
    """Listen to every session (once): what a flush changes is noted, and recounted before the commit; and to the
    bulk statements of imports (casetrack.bulk)."""
    from casetrack import bulk

    if _bulk_write not in bulk.WRITE_LISTENERS:
        bulk.WRITE_LISTENERS.append(_bulk_write)
    if event.contains(Session, "before_flush", _before_flush):
        return
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)


# --- which buckets a case or a mediation is in ------------------------------------------------------------------


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _case_keys(case_ids: set[int]) -> set[tuple[str, int, date]]:
    """The (family, unit, month) buckets these cases count in, and those of the cases they are linked with (a
    lawsuit following a review, an appeal of a first instance: each one's counts depend on the other)."""
    from casetrack.bulk import among
    from casetrack.cases.models import Case, CaseRespondent
    from casetrack.hearings.models import Hearing
    from casetrack.review_hearings.models import ReviewHearing

    if not case_ids:
        return set()
    ids = set(case_ids)
    linked = db.session.execute(
        select(Case.id, Case.related_case_id).where(
            among(Case.id, sorted(ids)) | among(Case.related_case_id, sorted(ids))
        )
    ).all()
    ids |= {case_id for case_id, _ in linked} | {related for _, related in linked if related is not None}
    wanted = sorted(ids)
    units: dict[int, set[int]] = {}
    months: dict[int, set[tuple[str, date]]] = {}
    for case_id, unit_id, received_on, concluded_on in db.session.execute(
        select(Case.id, Case.respondent_unit_id, Case.received_on, Case.concluded_on).where(among(Case.id, wanted))
    ):
        units.setdefault(case_id, set()).add(unit_id)
        for day in (received_on, concluded_on):
            if day is not None:
                months.setdefault(case_id, set()).add(("cases", _first_of_month(day)))
    for case_id, unit_id in db.session.execute(
        select(CaseRespondent.case_id, CaseRespondent.unit_id).where(among(CaseRespondent.case_id, wanted))
    ):
        units.setdefault(case_id, set()).add(unit_id)
    for sittings in (Hearing, ReviewHearing):
        for case_id, held_on in db.session.execute(
            select(sittings.case_id, sittings.held_on).where(among(sittings.case_id, wanted)).distinct()
        ):
            if held_on is not None:
                months.setdefault(case_id, set()).add(("hearings", _first_of_month(held_on)))
    return {
        (family, unit_id, month)
        for case_id, case_units in units.items()
        for unit_id in case_units
        for family, month in months.get(case_id, ())
    }


def _mediation_keys(mediation_ids: set[int]) -> set[tuple[str, int, date]]:
    from casetrack.bulk import among
    from casetrack.mediation.models import Mediation

    if not mediation_ids:
        return set()
    rows = db.session.execute(
        select(Mediation.respondent_unit_id, Mediation.concluded_on).where(among(Mediation.id, sorted(mediation_ids)))
    )
    return {
        ("mediations", unit_id, _first_of_month(day))
        for unit_id, day in rows
        if unit_id is not None and day is not None
    }


# --- recounting ---------------------------------------------------------------------------------------------------


def settle(session=None) -> int:
    """Recount the buckets this transaction's changes touched (before its commit, and before the kept figures are
    read in it, so a request sees its own writes). Returns how many buckets were recounted or added to."""
    session = session or db.session
    pending = session.info.get(_PENDING)
    if not pending:
        return 0
    if session.get(FigureBucketState, 1) is None:
        pending.clear()
        return 0  # nothing built to keep: a rebuild counts everything anyway
    with session.no_autoflush:
        # A new case touched again in this transaction (linked, given sittings) is recounted with the rest, and so
        # are the cases a new one links to: their counts depend on it.
        recounted = pending.case_ids | _linked_from(pending.new_case_ids - pending.case_ids)
        new_cases = pending.new_case_ids - recounted
        new_mediations = pending.new_mediation_ids - pending.mediation_ids
        keys = pending.keys | _case_keys(recounted) | _mediation_keys(pending.mediation_ids)
        pending.clear()
        additions = _counts_of_new(new_cases, new_mediations, keys)
        _recount(keys, local_today(), more_months={row["starts_on"] for rows in additions.values() for row in rows})
        for family, rows in additions.items():
            _upsert(rows, _FAMILY_KEYS[family], add=True)
    return len(keys) + sum(map(len, additions.values()))


def _linked_from(case_ids: set[int]) -> set[int]:
    """The cases these cases follow (关联案号)."""
    from casetrack.bulk import among
    from casetrack.cases.models import Case

    if not case_ids:
        return set()
    stmt = select(Case.related_case_id).where(among(Case.id, sorted(case_ids)), Case.related_case_id.is_not(None))
    return set(db.session.scalars(stmt.distinct()))


def _counts_of_new(case_ids: set[int], mediation_ids: set[int], recounted: set) -> dict[str, list[dict]]:
    """What new cases and mediations add to their buckets, {family: bucket rows}: the definitions over those rows
    alone (queries.family_counts_per_unit_and_month), leaving out the buckets recounted anyway."""
    additions: dict[str, list[dict]] = {}
    for family, ids in (("cases", case_ids), ("mediations", mediation_ids)):
        if not ids:
            continue
        main, co = queries.family_counts_per_unit_and_month(family, Period(date.min, date.max), rows=ids)
        additions[family] = [
            {
                **_only(found, _FAMILY_KEYS[family]),
                "scope": "month",
                "starts_on": month,
                "unit_id": unit_id,
                "role": role,
            }
            for role, counts in (("main", main), ("co", co))
            for (unit_id, month), found in counts.items()
            if (family, unit_id, month) not in recounted
        ]
    return additions


def _lock(months: set[date]) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite: one writer at a time already
    for month in sorted(months):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_BASE + month.year * 12 + month.month}
        )


def _recount(keys: set[tuple[str, int, date]], today: date, more_months: set[date] = frozenset()) -> None:
    """Recount these buckets, holding the locks of their months and of ``more_months`` (taken together, in one
    order, so two transactions cannot each hold one the other waits for)."""
    by_month: dict[tuple[str, date], set[int]] = {}
    for family, unit_id, month in keys:
        by_month.setdefault((family, month), set()).add(unit_id)
    months = {month for _, month in by_month} | set(more_months)
    _lock(months | {month.replace(month=1) for month in months})
    years: dict[int, set[int]] = {}
    for family in ("cases", "mediations"):
        months = {month: units for (of, month), units in by_month.items() if of == family}
        if len(months) > MONTHS_COUNTED_ONE_BY_ONE:
            # An import touching many months: one grouped scan over them, not one scan a month.
            span = Period(min(months), _month_end(max(months)))
            main, co = queries.family_counts_per_unit_and_month(family, span, among=set().union(*months.values()))
            for month, units in sorted(months.items()):
                _write("month", month, family, units, _of_month(main, month), _of_month(co, month), today)
            for month in months:
                del by_month[(family, month)]
    for (family, month), units in sorted(by_month.items()):
        main, co = queries.family_counts_per_unit(family, Period.month(month.year, month.month), among=units)
        _write("month", month, family, units, main, co, today)
        if family == "hearings":
            years.setdefault(month.year, set()).update(units)
    for year, units in sorted(years.items()):
        main, co = queries.family_counts_per_unit("hearings", Period.year(year), among=units)
        _write("year", date(year, 1, 1), "hearings", units, main, co, today)


#: Up to this many months a family's buckets are recounted month by month (an edit touches one or two); more, and
#: they are recounted from one grouped scan (an import of 20,000 cases over two years: 12 s → under 1 s at 1M).
MONTHS_COUNTED_ONE_BY_ONE = 3


def _of_month(per_unit_month: dict, month: date) -> dict:
    return {unit_id: counts for (unit_id, first), counts in per_unit_month.items() if first == month}


def _write(scope: str, starts_on: date, family: str, units, main: dict, co: dict, today: date) -> None:
    """The family's columns of these units' rows: main rows for every unit recounted (a zero row stays: it says the
    unit was counted), co rows where the unit has co-defendant counts now or had them before."""
    columns = _FAMILY_KEYS[family]
    had_co = set(
        db.session.scalars(
            select(_TABLE.c.unit_id).where(
                _TABLE.c.scope == scope,
                _TABLE.c.starts_on == starts_on,
                _TABLE.c.role == "co",
                _TABLE.c.unit_id.in_(sorted(units)),
            )
        )
    )
    zero = dict.fromkeys(columns, 0)
    rows = [{**zero, **_only(main.get(unit_id, {}), columns), "unit_id": unit_id, "role": "main"} for unit_id in units]
    rows += [
        {**zero, **_only(co.get(unit_id, {}), columns), "unit_id": unit_id, "role": "co"}
        for unit_id in units
        if unit_id in co or unit_id in had_co
    ]
    as_of = today if family == "hearings" else None
    for row in rows:
        row.update(scope=scope, starts_on=starts_on)
        if as_of is not None:
            row["hearings_as_of"] = as_of
    _upsert(rows, (*columns, *(("hearings_as_of",) if as_of else ())))


def _only(counts: dict, columns) -> dict:
    return {key: int(counts.get(key) or 0) for key in columns}


def _upsert(rows: list[dict], columns, add: bool = False) -> None:
    """Write bucket rows (each with scope, starts_on, unit_id, role and ``columns``): the columns set, or with
    ``add`` added to what the rows hold."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _upsert_unnested(rows, columns, add)
        return
    from sqlalchemy.dialects.sqlite import insert

    statement = insert(_TABLE)
    statement = statement.on_conflict_do_update(
        index_elements=_KEY,
        set_={
            name: (_TABLE.c[name] + statement.excluded[name]) if add else statement.excluded[name] for name in columns
        },
    )
    for start in range(0, len(rows), 1000):
        db.session.execute(statement, rows[start : start + 1000])


_KEY = ("scope", "starts_on", "unit_id", "role")


def _upsert_unnested(rows: list[dict], columns, add: bool) -> None:
    """PostgreSQL: every row in one statement, a column a parameter (unnest of arrays). Measured at an import of
    20,000 cases: 12,000 rows written in 1.3 s as batches of VALUES, in a tenth of that as arrays."""
    names = (*_KEY, *columns)
    dialect = db.session.get_bind().dialect
    arrays = ", ".join(
        f"CAST(:c{index} AS {_TABLE.c[name].type.compile(dialect)}[])" for index, name in enumerate(names)
    )
    assigned = ", ".join(
        f"{name} = figure_buckets.{name} + excluded.{name}" if add else f"{name} = excluded.{name}" for name in columns
    )
    statement = text(
        f"INSERT INTO figure_buckets ({', '.join(names)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {assigned}"
    )
    db.session.execute(statement, {f"c{index}": [row[name] for row in rows] for index, name in enumerate(names)})


def rebuild(today: date | None = None) -> int:
    """Count every bucket again from the definitions (after a change of definitions, or to build them the first
    time). Flushes; returns how many rows were written."""
    from casetrack.accounts.models import Unit

    today = today or local_today()
    db.session.execute(_TABLE.delete())
    years = queries.years_with_data(today)
    units = set(db.session.scalars(select(Unit.id)))
    written = 0
    for year in sorted(years):
        for month in range(1, 13):
            for family in _FAMILY_KEYS:
                main, co = queries.family_counts_per_unit(family, Period.month(year, month))
                busy = {unit for unit, counts in main.items() if any(counts.values())}
                busy |= {unit for unit, counts in co.items() if any(counts.values())}
                _write("month", date(year, month, 1), family, busy & units, main, co, today)
                written += len(busy)
        main, co = queries.family_counts_per_unit("hearings", Period.year(year))
        busy = {unit for unit, counts in {**main, **co}.items() if any(counts.values())}
        _write("year", date(year, 1, 1), "hearings", busy & units, main, co, today)
    found = db.session.get(FigureBucketState, 1)
    if found is None:
        found = FigureBucketState(id=1)
        db.session.add(found)
    found.fingerprint, found.hearings_as_of, found.built_at = fingerprint(), today, utc_now()
    db.session.flush()
    return written


def declare_empty(today: date | None = None) -> None:
    """An empty database's buckets are built already (every count is zero): what a fresh install and the tests
    start from, without a rebuild."""
    db.session.execute(_TABLE.delete())
    db.session.merge(FigureBucketState(id=1, fingerprint=fingerprint(), hearings_as_of=today or local_today()))
    db.session.flush()


def refresh_open(today: date | None = None) -> dict:
    """The nightly recount of the hearings' counts of every period still open at the last refresh (a sitting held
    since then now counts); rebuilds everything when the definitions changed. Flushes."""
    today = today or local_today()
    found = db.session.get(FigureBucketState, 1)
    if found is None or found.fingerprint != fingerprint():
        return {"rebuilt": rebuild(today)}
    since = min(found.hearings_as_of, today)
    from casetrack.accounts.models import Unit

    units = set(db.session.scalars(select(Unit.id)))
    month, recounted = _first_of_month(since), 0
    while month <= today:
        main, co = queries.family_counts_per_unit("hearings", Period.month(month.year, month.month))
        _write("month", month, "hearings", units, main, co, today)
        recounted += 1
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    for year in range(since.year, today.year + 1):
        main, co = queries.family_counts_per_unit("hearings", Period.year(year))
        _write("year", date(year, 1, 1), "hearings", units, main, co, today)
    found.hearings_as_of = today
    db.session.flush()
    return {"months": recounted}


# --- reading --------------------------------------------------------------------------------------------------


def _split(period: Period) -> tuple[tuple[date, date] | None, list[Period]]:
    """The whole months inside a period (first, last month's first day) and the partial months at its ends."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after = _next_month(period.end) if period.end == _month_end(period.end) else _first_of_month(period.end)
    if first >= after:
        return None, [period]
    edges = []
    if period.start < first:
        edges.append(Period(period.start, first.replace(day=1) - _ONE_DAY))
    if after <= period.end:
        edges.append(Period(after, period.end))
    return (first, _previous_month(after)), edges


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(first: date) -> date:
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _month_end(day: date) -> date:
    return _next_month(day) - _ONE_DAY


class KeptCounts:
    """stats.queries.LiveCounts' questions answered from the buckets: whole months summed, the days of a partial
    month at either end of a period counted live (a few days of rows), the hearings' counts of a year or a month
    from its own bucket where still current. With no buckets built for these definitions, everything is live."""

    #: The parts read live because a bucket was not current (for tests and the log).
    fell_back: list[str]

    def __init__(self):
        self.fell_back = []
        self._last_dated: date | None = None

    def _stretched(self, period: Period) -> Period:
        """For the cases' and mediations' counts, a period ending today or later may as well end with its month
        when nothing is dated after today (the rules refuse such dates; this checks it, three index probes), so
        the running month reads its bucket instead of counting its days live."""
        today = local_today()
        if period.end < today or period.end == _month_end(period.end):
            return period
        if self._last_dated is None:
            self._last_dated = _last_dated() or date.min
        return Period(period.start, _month_end(period.end)) if self._last_dated <= today else period

    # The LiveCounts protocol.

    def of(self, period: Period, unit_id: int | None = None) -> dict:
        built = self._built()
        if built is None:
            return LIVE.of(period, unit_id)
        additive = self._stretched(period)
        rows = self._summed(additive, unit_id, _ADDITIVE)
        counts = queries._filled(queries.kept_zeros(), rows.get(None, {}))
        for edge in _split(additive)[1]:
            counts = _plus(counts, _additive_live(edge, unit_id))
        counts.update(self._hearings(period, unit_id, built))
        return counts

    def cases_of(self, period: Period, unit_id: int | None = None) -> dict:
        if self._built() is None:
            return LIVE.cases_of(period, unit_id)
        period = self._stretched(period)
        counts = queries._filled(queries._ZERO_CASES, self._summed(period, unit_id, _CASE_COUNTS).get(None, {}))
        for edge in _split(period)[1]:
            counts = _plus(counts, queries.case_counts(edge, unit_id))
        return counts

    def per_unit(self, period: Period):
        built = self._built()
        if built is None:
            return LIVE.per_unit(period)
        additive = self._stretched(period)
        main, co = self._summed_roles(additive, _ADDITIVE, queries.kept_zeros())
        for edge in _split(additive)[1]:
            for family in ("cases", "mediations"):
                edge_main, edge_co = queries.family_counts_per_unit(family, edge)
                main, co = _plus_units(main, edge_main), _plus_units(co, edge_co)
        hearing_main, hearing_co = self._hearings_per_unit(period, built)
        return _with(main, hearing_main), _with(co, hearing_co)

    def cases_per_unit(self, period: Period):
        if self._built() is None:
            return LIVE.cases_per_unit(period)
        period = self._stretched(period)
        main, co = self._summed_roles(period, _CASE_COUNTS, queries._ZERO_CASES)
        for edge in _split(period)[1]:
            edge_main, edge_co = LIVE.cases_per_unit(edge)
            main, co = _plus_units(main, edge_main), _plus_units(co, edge_co)
        return main, co

    def by_month(self, year: int, unit_id: int | None = None) -> dict[int, dict]:
        built = self._built()
        if built is None:
            return LIVE.by_month(year, unit_id)
        today = local_today()
        stmt = select(
            _TABLE.c.starts_on,
            func.min(_TABLE.c.hearings_as_of).label("oldest"),
            func.max(_TABLE.c.hearings_as_of).label("newest"),
            *(func.sum(_TABLE.c[name]).label(name) for name in BUCKET_COUNTS),
        ).where(_TABLE.c.scope == "month", _TABLE.c.starts_on.between(date(year, 1, 1), date(year, 12, 1)))
        stmt = _scoped(stmt, unit_id).group_by(_TABLE.c.starts_on)
        months = {month: queries.kept_zeros() for month in range(1, 13)}
        stale = []
        rows = db.session.execute(stmt).mappings().all()
        for row in rows:
            month = row["starts_on"].month
            months[month] = queries._filled(months[month], {name: row[name] for name in BUCKET_COUNTS})
        computed = {month: [built.hearings_as_of] for month in range(1, 13)}
        for row in rows:
            computed[row["starts_on"].month] += [row["oldest"], row["newest"]]
        for month, days in computed.items():
            if not _current(days, _month_end(date(year, month, 1)), today):
                stale.append(month)
        if stale:
            self.fell_back.append(f"hearings by month {year}")
            live = LIVE.by_month(year, unit_id)
            for month in stale:
                months[month].update(_keep_one(live[month], _HEARING_COUNTS))
        return months

    def cases_by_month(self, year: int, unit_id: int | None = None) -> dict[int, dict]:
        return {month: _keep_one(counts, _CASE_COUNTS) for month, counts in self.by_month(year, unit_id).items()}

    # Reading the buckets.

    def _built(self) -> FigureBucketState | None:
        settle()
        built = state()
        if built is None:
            self.fell_back.append("not built")
        return built

    def _summed(self, period: Period, unit_id, columns) -> dict:
        months, _ = _split(period)
        if months is None:
            return {}
        stmt = select(*(func.sum(_TABLE.c[name]).label(name) for name in columns)).where(
            _TABLE.c.scope == "month", _TABLE.c.starts_on.between(*months)
        )
        stmt = _scoped(stmt, unit_id)
        return {None: dict(db.session.execute(stmt).mappings().one())}

    def _summed_roles(self, period: Period, columns, zero: dict):
        months, _ = _split(period)
        main: dict[int, dict] = {}
        co: dict[int, dict] = {}
        if months is None:
            return main, co
        stmt = (
            select(_TABLE.c.unit_id, _TABLE.c.role, *(func.sum(_TABLE.c[name]).label(name) for name in columns))
            .where(_TABLE.c.scope == "month", _TABLE.c.starts_on.between(*months))
            .group_by(_TABLE.c.unit_id, _TABLE.c.role)
        )
        for row in db.session.execute(stmt).mappings():
            target = main if row["role"] == "main" else co
            target[row["unit_id"]] = queries._filled(zero, {name: row[name] for name in columns})
        return main, co

    def _bucket_of(self, period: Period) -> tuple[str, date] | None:
        """The hearings' bucket a period reads as: a sitting counts once held, so a period ending today or later
        counts what a whole month or year counts today."""
        today = local_today()
        start, end = period.start, period.end
        if (
            start.day == 1
            and start.month == 1
            and (end == date(start.year, 12, 31) or today <= end <= date(start.year, 12, 31))
        ):
            return "year", start
        if start.day == 1 and (end == _month_end(start) or today <= end <= _month_end(start)):
            return "month", start
        return None

    def _as_of(self, built: FigureBucketState, starts_on: date, scope: str, unit_id) -> list:
        """The days a bucket's hearing counts were computed on: its rows', and the last refresh's for the units
        without a row (none of their sittings had been held by then)."""
        stmt = select(func.min(_TABLE.c.hearings_as_of), func.max(_TABLE.c.hearings_as_of)).where(
            _TABLE.c.scope == scope, _TABLE.c.starts_on == starts_on
        )
        if unit_id is not None:
            stmt = stmt.where(_TABLE.c.unit_id == unit_id)
        return [*db.session.execute(stmt).one(), built.hearings_as_of]

    def _hearings(self, period: Period, unit_id, built) -> dict:
        bucket = self._bucket_of(period)
        if bucket is not None:
            scope, starts_on = bucket
            end = date(starts_on.year, 12, 31) if scope == "year" else _month_end(starts_on)
            if _current(self._as_of(built, starts_on, scope, unit_id), end, local_today()):
                stmt = select(*(func.sum(_TABLE.c[name]).label(name) for name in _HEARING_COUNTS)).where(
                    _TABLE.c.scope == scope, _TABLE.c.starts_on == starts_on
                )
                return queries._filled(
                    dict.fromkeys(_HEARING_COUNTS, 0), db.session.execute(_scoped(stmt, unit_id)).mappings().one()
                )
        self.fell_back.append(f"hearings {period.start}–{period.end}")
        live = {**queries.appearance_counts(period, unit_id), **queries.review_hearing_counts(period, unit_id)}
        return _keep_one(live, _HEARING_COUNTS)

    def _hearings_per_unit(self, period: Period, built):
        bucket = self._bucket_of(period)
        if bucket is not None:
            scope, starts_on = bucket
            end = date(starts_on.year, 12, 31) if scope == "year" else _month_end(starts_on)
            if _current(self._as_of(built, starts_on, scope, None), end, local_today()):
                stmt = select(_TABLE.c.unit_id, _TABLE.c.role, *(_TABLE.c[name] for name in _HEARING_COUNTS)).where(
                    _TABLE.c.scope == scope, _TABLE.c.starts_on == starts_on
                )
                main, co = {}, {}
                for row in db.session.execute(stmt).mappings():
                    (main if row["role"] == "main" else co)[row["unit_id"]] = {
                        name: int(row[name]) for name in _HEARING_COUNTS
                    }
                return main, co
        self.fell_back.append(f"hearings per unit {period.start}–{period.end}")
        return queries.family_counts_per_unit("hearings", period)


def _last_dated() -> date | None:
    """The latest day any case was received or concluded or any mediation concluded."""
    from casetrack.cases.models import Case
    from casetrack.mediation.models import Mediation

    days = db.session.execute(
        select(
            *(
                select(func.max(column)).scalar_subquery()
                for column in (Case.received_on, Case.concluded_on, Mediation.concluded_on)
            )
        )
    ).one()
    return max((day for day in days if day is not None), default=None)


def _current(days, end: date, today: date) -> bool:
    """Hearing counts computed on each of ``days`` for a period ending ``end`` hold today: counted up to the same
    day (the period's end, or today) as they would be now."""
    return all(min(end, day) == min(end, today) for day in days if day is not None)


def _scoped(stmt, unit_id):
    """The district (main rows: every case has one main respondent) or one unit (its main and co rows)."""
    if unit_id is None:
        return stmt.where(_TABLE.c.role == "main")
    return stmt.where(_TABLE.c.unit_id == unit_id)


_CASE_COUNTS = tuple(queries._ZERO_CASES)
_HEARING_COUNTS = _FAMILY_KEYS["hearings"]
_ADDITIVE = (*_FAMILY_KEYS["cases"], *_FAMILY_KEYS["mediations"])


def _additive_live(period: Period, unit_id) -> dict:
    return {
        **queries.case_counts(period, unit_id),
        **queries.mediation_counts(period, unit_id),
        **queries.reason_counts(period, unit_id),
    }


def _plus(counts: dict, more: dict) -> dict:
    return {key: int(value or 0) + int(more.get(key) or 0) for key, value in counts.items()}


def _plus_units(per_unit: dict[int, dict], more: dict[int, dict]) -> dict[int, dict]:
    result = dict(per_unit)
    for unit_id, counts in more.items():
        result[unit_id] = _plus(result[unit_id], counts) if unit_id in result else dict(counts)
    return result


def _with(per_unit: dict[int, dict], hearings: dict[int, dict]) -> dict[int, dict]:
    result = {}
    for unit_id in set(per_unit) | set(hearings):
        result[unit_id] = {**queries.kept_zeros(), **per_unit.get(unit_id, {}), **hearings.get(unit_id, {})}
    return result


def _keep_one(counts: dict, columns) -> dict:
    return {key: int(counts.get(key) or 0) for key in columns}


def kept() -> KeptCounts:
    """A reader of the kept figures (one per request: it notes what it had to read live)."""
    return KeptCounts()
