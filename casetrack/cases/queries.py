"""Reading cases. Unit scoping lives here, once: every list, search, export and detail goes through it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import operators

from casetrack import ciphers, identifiers
from casetrack.accounts.permissions import can
from casetrack.accounts.queries import restrict_to_actor_unit
from casetrack.bulk import among
from casetrack.cases import kinds, rules
from casetrack.cases.models import (
    Applicant,
    Case,
    CaseCorrection,
    CaseRespondent,
    CaseSuspension,
    CourtDate,
    OutcomeReport,
)
from casetrack.errors import NotFound
from casetrack.extensions import db
from casetrack.i18n import N_

SORTS = {
    "received_desc": (Case.received_on.desc(), Case.id.desc()),
    "received_asc": (Case.received_on.asc(), Case.id.asc()),
    "number": (Case.number.asc(), Case.id.asc()),
    "deadline": (Case.next_deadline_on.asc(), Case.id.asc()),
    "concluded_desc": (Case.concluded_on.desc(), Case.id.desc()),
}


#: The orders an index of cases gives (ix_cases_received, ix_cases_next_deadline, ix_cases_concluded): the first
#: cases of a list in one of them are read without sorting the list.
WALKED_SORTS = frozenset({"received_desc", "received_asc", "deadline", "concluded_desc"})


def scoped(stmt: Select, actor) -> Select:
    """Restrict a SELECT over cases (or joined to cases) to what the actor may see: a liaison sees the cases its
    unit is a respondent of, as main respondent or as co-defendant (共同被告)."""
    return restrict_to_actor_unit(stmt, actor, unit_condition=of_unit)


#: Up to this many co-defendant cases, a unit's condition names them by id.
_LISTED_CO_CASES = 5000


def of_unit(unit_id: int):
    """SQL: the cases ``unit_id`` is a respondent of, as main respondent or co-defendant. Its co-defendant cases
    (few: a unit answers for most of its cases alone) are looked up first and named by id, so the planner keeps
    reading the unit's own index (ix_cases_unit_received) beside the primary key; with none, the condition is the
    plain unit comparison, the same plan as before co-defendants existed. An OR with a subquery would make
    PostgreSQL scan every case."""
    co_ids = list(
        db.session.scalars(
            select(CaseRespondent.case_id).where(CaseRespondent.unit_id == unit_id).limit(_LISTED_CO_CASES + 1)
        )
    )
    if not co_ids:
        return Case.respondent_unit_id == unit_id
    if len(co_ids) > _LISTED_CO_CASES:
        return Case.has_respondent(unit_id)
    return or_(Case.respondent_unit_id == unit_id, among(Case.id, co_ids))


def review_body_unit_id() -> int | None:
    """The review body (复议机关) of the deployment: the district government, its one unit of kind district."""
    from casetrack.accounts.models import Unit

    stmt = select(Unit.id).where(Unit.kind == kinds.REVIEW_BODY_UNIT_KIND, Unit.active.is_(True)).order_by(Unit.id)
    return db.session.scalar(stmt.limit(1))


def upheld_reviews(respondent_unit_id: int, applicant_names: list[str], limit: int = 5) -> list[Case]:
    """Concluded reviews of the unit that upheld its act (行政诉讼法 Art 26(2)), with one of these applicants:
    the reviews a lawsuit by them against the unit follows, most recent first."""
    names = sorted({name.strip() for name in applicant_names if name and name.strip()})
    if not names:
        return []
    stmt = (
        select(Case)
        .where(
            Case.kind.in_(kinds.UPHOLDING_KINDS),
            Case.respondent_unit_id == respondent_unit_id,
            Case.concluded_on.is_not(None),
            Case.outcome.in_({o for k in kinds.UPHOLDING_KINDS for o in kinds.KINDS[k].upholds_act}),
            exists().where(Applicant.case_id == Case.id, Applicant.name.in_(names)),
        )
        .options(selectinload(Case.applicants))
        .order_by(Case.concluded_on.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def get_visible_case(actor, case_id: int) -> Case:
    """The case if the actor may see it. Otherwise NotFound — never a hint that it exists."""
    case = db.session.scalar(scoped(select(Case).where(Case.id == case_id), actor))
    if case is None:
        raise NotFound(N_("The page or record does not exist."))
    return case


@dataclass
class CaseFilters:
    q: str = ""
    number: str = ""
    applicant: str = ""
    kind: str = ""
    instance: str = ""
    status: str = ""
    matter: str = ""
    unit_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    concluded_from: date | None = None
    concluded_to: date | None = None
    #: "overdue" | "due_soon" | "attention" (either)
    deadline: str = ""
    sort: str = "received_desc"
    page: int = 1
    per_page: int = 50
    problems: list[str] = field(default_factory=list)

    def as_query_args(self) -> dict:
        """The filters as URL parameters (for pagination links and "export what I see")."""
        skip = {"page", "problems"}
        args = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name not in skip and value not in (None, "", f.default):
                args[f.name] = value.isoformat() if isinstance(value, date) else value
        return args


def _two_character_prefilter(stmt: Select, needle: str) -> Select:
    """On PostgreSQL, narrow a two-character Chinese search through the bigram index first: the trigram index
    behind LIKE needs three characters, and without it a name search scans every case."""
    grams = rules.search_bigrams(needle)
    if len(needle) == 2 and grams and db.session.get_bind().dialect.name == "postgresql":
        return stmt.where(Case.search_grams.contains(grams))
    return stmt


def filtered(actor, filters: CaseFilters, today: date, warning_days: int) -> Select:
    stmt = scoped(select(Case), actor)
    if filters.q:
        # search_text is folded (rules.search_fold): （２０２６）and (2026) are one text to it.
        needle = rules.search_fold(filters.q.strip())
        matches = Case.search_text.contains(needle, autoescape=True)
        if identifiers.looks_like_identifier(filters.q) and can(actor, "read_personal_data"):
            # An ID number is kept sealed; its keyed hash finds it (exact match only, for those who may read it).
            digest = ciphers.digest(identifiers.normalized(filters.q))
            matches = or_(matches, exists().where(Applicant.case_id == Case.id, Applicant.id_number_digest == digest))
        stmt = _two_character_prefilter(stmt, needle).where(matches)
    if filters.number and rules.number_key(filters.number):
        stmt = stmt.where(Case.number_key.contains(rules.number_key(filters.number), autoescape=True))
    if filters.applicant:
        needle = filters.applicant.strip()
        # search_text holds every applicant's name, so its indexes narrow the cases before the exact check on
        # the applicants table; an index of its own on applicant names would only slow imports down.
        stmt = (
            _two_character_prefilter(stmt, rules.search_fold(needle))
            .where(Case.search_text.contains(rules.search_fold(needle), autoescape=True))
            .where(exists().where(Applicant.case_id == Case.id, Applicant.name.contains(needle, autoescape=True)))
        )
    for name in ("kind", "instance", "status", "matter"):
        value = getattr(filters, name)
        if value == "open" and name == "status":
            stmt = stmt.where(Case.is_open)
        elif value:
            stmt = stmt.where(getattr(Case, name) == value)
    if filters.unit_id:
        # A unit's cases are those it answers for, as co-defendant too: the same as its liaisons see.
        stmt = stmt.where(of_unit(filters.unit_id))
    if filters.received_from:
        stmt = stmt.where(Case.received_on >= filters.received_from)
    if filters.received_to:
        stmt = stmt.where(Case.received_on <= filters.received_to)
    if filters.concluded_from:
        stmt = stmt.where(Case.concluded_on >= filters.concluded_from)
    if filters.concluded_to:
        stmt = stmt.where(Case.concluded_on <= filters.concluded_to)
    if filters.deadline == "overdue":
        stmt = stmt.where(Case.next_deadline_on < today)
    elif filters.deadline == "due_soon":
        stmt = stmt.where(Case.next_deadline_on.between(today, today + timedelta(days=warning_days)))
    elif filters.deadline == "attention":
        stmt = stmt.where(Case.next_deadline_on <= today + timedelta(days=warning_days))
    return stmt


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    #: The total is a floor: counting stopped there, because an exact count of a million rows costs more than
    #: the page itself and nobody pages that far.
    total_capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or (self.total_capped and len(self.items) == self.per_page)


#: Lists count matching cases exactly up to this many, then say "more than".
COUNT_CAP = 10_000


def count_matching(stmt: Select, cap: int | None, id_column=Case.id) -> tuple[int, bool]:
    """(count, capped) of a filtered SELECT, stopping at ``cap`` rows when one is given."""
    ids = stmt.with_only_columns(id_column).order_by(None)
    if cap is None:
        return db.session.scalar(select(func.count()).select_from(ids.subquery())), False
    total = db.session.scalar(select(func.count()).select_from(ids.limit(cap + 1).subquery()))
    return min(total, cap), total > cap


#: A filter matching at most this many cases has its page sorted from their ids: PostgreSQL otherwise walks the
#: sort order's index hoping to meet 50 matches early, and for a few matches (or matches all in one old year) it
#: reads most of a million cases first (benchmarks/run_filters.py: "number+status_open" 2.9 s). Fewer than a unit's
#: own list, which its index serves in order.
FEW_MATCHES = 500
#: A text search's count stops here: a searcher narrows a search with more matches rather than page through them,
#: and the matches are read one by one to count them (赵 is in some 40,000 of a million cases; counting 10,000 of
#: them took 114 ms of a 138 ms page, through the trigram index 50 ms).
SEARCH_COUNT_CAP = 1_000
#: How many cases, first in the list's order, a search served by an index looks through for its page before it
#: sorts every match instead (see _page_of_indexed_search).
SEARCH_WINDOW = 2_000


def indexed_search(needle: str) -> bool:
    """Whether an index narrows a search for this (folded) text: PostgreSQL's trigram index from three characters,
    the bigram index for two holding a Chinese one. SQLite has neither."""
    if db.session.get_bind().dialect.name != "postgresql":
        return False
    return len(needle) >= 3 or (len(needle) == 2 and bool(rules.search_bigrams(needle)))


def _text_search(filters: CaseFilters) -> tuple[bool, bool]:
    """(whether the list is searched for text — 搜索, 案号, 申请人 — and whether an index narrows that search)."""
    texts = [rules.search_fold(filters.q.strip()), rules.search_fold(filters.applicant.strip())]
    key = rules.number_key(filters.number) if filters.number else ""
    number_indexed = len(key) >= 3 and db.session.get_bind().dialect.name == "postgresql"  # its trigram index
    return any(texts) or bool(key), number_indexed or any(text and indexed_search(text) for text in texts)


def page_of_cases(
    actor, filters: CaseFilters, today: date, warning_days: int, count_cap: int | None = COUNT_CAP
) -> Page:
    stmt = filtered(actor, filters, today, warning_days)
    searched, indexed = _text_search(filters)
    if searched and count_cap is not None:
        count_cap = min(count_cap, SEARCH_COUNT_CAP)
    total, capped = count_matching(stmt, count_cap)
    order = SORTS.get(filters.sort, SORTS["received_desc"])
    offset = (filters.page - 1) * filters.per_page
    if total <= FEW_MATCHES and not capped:
        ids = db.session.scalars(stmt.with_only_columns(Case.id).order_by(None)).all()
        stmt = select(Case).where(among(Case.id, ids))
    elif indexed:
        unsearched = filtered(actor, replace(filters, q="", number="", applicant=""), today, warning_days)
        walked = filters.sort in WALKED_SORTS
        ids = _page_of_indexed_search(stmt, unsearched, order, walked, offset + filters.per_page, capped)
        stmt = select(Case).where(among(Case.id, ids))
    ordered = stmt.order_by(*order).options(selectinload(Case.applicants))
    items = list(db.session.scalars(ordered.limit(filters.per_page).offset(offset)))
    return Page(items, total, filters.page, filters.per_page, capped)


def _page_of_indexed_search(stmt: Select, unsearched: Select, order, walked: bool, wanted: int, capped: bool):
    """The ids the page of a text search comes from. Walking the list's order and testing each case, PostgreSQL
    meets a word spread over the years at once, but a number's start (“(2019)浙0”: 43,000 cases, all of 2019) only
    after 700,000 cases (1.4 s). Its index finds every match at once, but sorting 200,000 matches of a common word
    costs more than the walk. So: the first SEARCH_WINDOW cases in the list's order (the other filters applied), if
    the page is among them and an index gives that order (``walked``); else every match, found through the index and
    sorted (0.13 s for the 43,000)."""
    ids = stmt.with_only_columns(Case.id).order_by(None)
    if walked:
        # The window's ids first, as a list: as a subquery PostgreSQL may run it again for every match.
        window = db.session.scalars(unsearched.with_only_columns(Case.id).order_by(*order).limit(SEARCH_WINDOW)).all()
        near = db.session.scalars(ids.where(among(Case.id, window))).all()
        if len(near) >= wanted:
            return near
    if not capped:  # at most SEARCH_COUNT_CAP matches: their ids, as for a few
        return db.session.scalars(ids).all()
    matches = stmt.with_only_columns(*(element.element for element in order)).order_by(None)
    matches = matches.cte("matches").prefix_with("MATERIALIZED")  # else PostgreSQL walks the order again
    ranked = select(matches.c.id).order_by(*(_on(matches, element) for element in order))
    return db.session.scalars(ranked.limit(wanted)).all()


def _on(table, element):
    """A sort element of SORTS (a case column, ascending or descending) on the same-named column of ``table``."""
    column = table.c[element.element.name]
    return column.desc() if element.modifier is operators.desc_op else column.asc()


def iter_cases(actor, filters: CaseFilters, today: date, warning_days: int, limit: int):
    """The filtered cases in list order, streamed in batches: for exports."""
    stmt = filtered(actor, filters, today, warning_days).order_by(*SORTS.get(filters.sort, SORTS["received_desc"]))
    stmt = stmt.options(
        selectinload(Case.applicants), selectinload(Case.related_case), selectinload(Case.co_respondents)
    )
    return db.session.scalars(stmt.limit(limit).execution_options(yield_per=1000))


def case_numbers_exist(kind: str, number: str, excluding_id: int | None = None) -> bool:
    """Whether another case of the kind has this number, in whatever form it was typed."""
    stmt = select(Case.id).where(Case.kind == kind, Case.number_key == rules.number_key(number))
    if excluding_id:
        stmt = stmt.where(Case.id != excluding_id)
    return db.session.scalar(stmt.limit(1)) is not None


def outcome_reports(actor, status: str = "pending", limit: int = 200) -> list[OutcomeReport]:
    """Outcome reports (结案报备) the actor may see, oldest first so the queue is worked in order."""
    stmt = (
        select(OutcomeReport)
        .join(Case, Case.id == OutcomeReport.case_id)
        .where(OutcomeReport.status == status)
        .options(selectinload(OutcomeReport.case).selectinload(Case.respondent_unit))
        .order_by(OutcomeReport.id)
        .limit(limit)
    )
    return list(db.session.scalars(scoped(stmt, actor)))


def get_visible_outcome_report(actor, report_id: int) -> OutcomeReport:
    report = db.session.get(OutcomeReport, report_id)
    if report is None:
        raise NotFound(N_("The page or record does not exist."))
    get_visible_case(actor, report.case_id)
    return report


def case_outcome_reports(case_id: int) -> list[OutcomeReport]:
    stmt = select(OutcomeReport).where(OutcomeReport.case_id == case_id).order_by(OutcomeReport.id.desc())
    return list(db.session.scalars(stmt))


# --- 中止 and 补正: what stops a case's clock ----------------------------------------------------------------


def with_deadline_records(rows) -> list[dict]:
    """Case rows read in bulk (mappings with an ``id``), each with its ``suspensions``, ``correction`` and
    ``court_dates`` as the deadline rules read them: three reads per batch, however many cases it holds."""
    values = [dict(row) for row in rows]
    ids = [row["id"] for row in values]
    pauses: dict[int, list[rules.Pause]] = {}
    corrections: dict[int, dict] = {}
    court_dates: dict[int, list[dict]] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for case_id, suspended_on, resumed_on in db.session.execute(
            select(CaseSuspension.case_id, CaseSuspension.suspended_on, CaseSuspension.resumed_on)
            .where(among(CaseSuspension.case_id, chunk))
            .order_by(CaseSuspension.suspended_on)
        ):
            pauses.setdefault(case_id, []).append(rules.Pause(suspended_on, resumed_on))
        for correction in db.session.scalars(select(CaseCorrection).where(among(CaseCorrection.case_id, chunk))):
            corrections[correction.case_id] = correction.as_rule_values()
        for item in db.session.scalars(
            select(CourtDate)
            .where(among(CourtDate.case_id, chunk), CourtDate.withdrawn.is_(False))
            .order_by(CourtDate.due_on, CourtDate.id)
        ):
            court_dates.setdefault(item.case_id, []).append(item.as_rule_values())
    for row in values:
        row["suspensions"] = pauses.get(row["id"], [])
        row["correction"] = corrections.get(row["id"])
        row["court_dates"] = court_dates.get(row["id"], [])
    return values


@dataclass(frozen=True)
class SuspendedCase:
    case: Case
    suspension: CaseSuspension
    days_so_far: int

    @property
    def long(self) -> bool:
        return self.days_so_far > rules.LONG_SUSPENSION_DAYS


def suspended_cases(actor, today: date, page: int = 1, per_page: int = 50) -> Page:
    """The open cases suspended now, longest first (Art. 40: resume once the cause is gone), within what the actor
    may see; and how many there are."""
    stmt = scoped(
        select(Case, CaseSuspension)
        .join(CaseSuspension, CaseSuspension.case_id == Case.id)
        .where(CaseSuspension.resumed_on.is_(None), Case.is_open),
        actor,
    )
    total = db.session.scalar(select(func.count()).select_from(stmt.with_only_columns(Case.id).subquery()))
    ordered = stmt.order_by(CaseSuspension.suspended_on, Case.id).limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(ordered.options(selectinload(Case.applicants))).all()
    items = [SuspendedCase(case, s, rules.suspended_days_so_far(s.suspended_on, today)) for case, s in rows]
    return Page(items, total, page, per_page)


# --- court-set dates -----------------------------------------------------------------------------------------


def court_dates_between(
    actor, start: date, end: date, unit_id: int | None = None, limit: int = 2000
) -> list[CourtDate]:
    """The open court dates from ``start`` to ``end`` the actor may see, for the hearing calendar."""
    stmt = scoped(
        select(CourtDate)
        .join(Case, Case.id == CourtDate.case_id)
        .where(CourtDate.due_on.between(start, end), CourtDate.done_on.is_(None), CourtDate.withdrawn.is_(False))
        .options(selectinload(CourtDate.case).selectinload(Case.respondent_unit)),
        actor,
    )
    if unit_id:
        stmt = stmt.where(Case.respondent_unit_id == unit_id)
    return list(db.session.scalars(stmt.order_by(CourtDate.due_on, CourtDate.id).limit(limit)))


def court_date_of(case: Case, court_date_id: int) -> CourtDate:
    """One of the case's court dates; NotFound for any other id, as for a case one may not see."""
    item = db.session.get(CourtDate, court_date_id)
    if item is None or item.case_id != case.id:
        raise NotFound(N_("The page or record does not exist."))
    return item


# --- linked cases (二审, 再审, 复议后起诉) -------------------------------------------------------------------------

#: Further than any real chain (review → first → second → retrial); a bound, so a damaged chain cannot loop.
MAX_CHAIN = 20


def link_chain(case_id: int) -> list[int]:
    """The ids a case's links lead to, nearest first (the case it follows, the one that follows, …): what the cycle
    check reads."""
    chain, current = [], case_id
    while len(chain) < MAX_CHAIN:
        current = db.session.scalar(select(Case.related_case_id).where(Case.id == current))
        if current is None or current in chain:
            break
        chain.append(current)
    return chain


def visible_case_by_number(actor, kinds_to_search: list[str], number: str) -> Case | None:
    """A case of one of the kinds with this 案号, however it was typed, if the actor may see it."""
    stmt = select(Case).where(Case.kind.in_(kinds_to_search), Case.number_key == rules.number_key(number))
    return db.session.scalars(scoped(stmt.order_by(Case.id), actor).limit(1)).first()


@dataclass(frozen=True)
class Link:
    case: Case
    #: A code of cases.kinds.RELATIONS.
    relation: str
    #: "earlier": ``case`` is one the shown case follows (or one further up); "later": one that follows it.
    direction: str


def linked_cases(case: Case) -> list[Link]:
    """The chain a case stands in, both ways: the cases it follows (up to the first), then the cases that follow it
    and those that follow them, each with its relation. Every case is listed, visible or not: the page links only
    to those the reader may open."""
    earlier, current = [], case
    seen = {case.id}
    while current.related_case_id and current.related_case_id not in seen and len(earlier) < MAX_CHAIN:
        target = db.session.get(Case, current.related_case_id)
        if target is None:
            break
        earlier.append(Link(target, current.related_relation, "earlier"))
        seen.add(target.id)
        current = target
    later, frontier = [], [case.id]
    while frontier and len(later) < MAX_CHAIN:
        followers = db.session.scalars(
            select(Case).where(Case.related_case_id.in_(frontier)).order_by(Case.received_on, Case.id)
        ).all()
        followers = [c for c in followers if c.id not in seen]
        seen.update(c.id for c in followers)
        later += [Link(c, c.related_relation, "later") for c in followers]
        frontier = [c.id for c in followers]
    return [*reversed(earlier), *later]


def direct_links(case_id: int) -> list[dict]:
    """The API's ``related``: the case a case follows and the cases that follow it, {"id", "number", "relation"}."""
    own = db.session.execute(
        select(Case.related_case_id, Case.related_relation).where(Case.id == case_id)
    ).one_or_none()
    links = []
    if own is not None and own.related_case_id is not None:
        number = db.session.scalar(select(Case.number).where(Case.id == own.related_case_id))
        links.append({"id": own.related_case_id, "number": number, "relation": own.related_relation})
    followers = db.session.execute(
        select(Case.id, Case.number, Case.related_relation).where(Case.related_case_id == case_id).order_by(Case.id)
    )
    links += [
        {"id": row.id, "number": row.number, "relation": kinds.REVERSE_CODES.get(row.related_relation)}
        for row in followers
    ]
    return links


# --- 上诉 / 不上诉 still to decide ---------------------------------------------------------------------------------

#: A lost case stays on the undecided-appeals list this long after the judgment was served (or, with no service
#: recorded, after it concluded): past the 15 days and any holiday roll-over, long enough to record a late decision.
APPEAL_WATCH_DAYS = 60


def undecided_appeals(actor, today: date) -> Select:
    """Lost first-instance cases whose appeal decision is not recorded, recent enough that the appeal period still
    runs or has just run out: the legal bureau's list and the reminders."""
    since = today - timedelta(days=APPEAL_WATCH_DAYS)
    stmt = select(Case).where(
        Case.kind == kinds.LITIGATION,
        Case.instance == kinds.FIRST_INSTANCE,
        Case.status == "concluded",
        Case.is_lost,
        Case.appeal_decision.is_(None),
        or_(
            Case.judgment_served_on >= since,
            and_(Case.judgment_served_on.is_(None), Case.concluded_on >= since),
        ),
    )
    return scoped(stmt, actor).order_by(Case.judgment_served_on.is_(None), Case.judgment_served_on, Case.id)


def page_of_undecided_appeals(actor, today: date, page: int, per_page: int) -> Page:
    stmt = undecided_appeals(actor, today)
    total, capped = count_matching(stmt, COUNT_CAP)
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, total, page, per_page, capped)


def visible_ids(actor, case_ids: list[int]) -> set[int]:
    """Which of these cases the actor may open: a page links only to those."""
    if not case_ids:
        return set()
    return set(db.session.scalars(scoped(select(Case.id).where(Case.id.in_(case_ids)), actor)))
