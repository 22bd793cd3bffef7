"""Reading cases. Unit scoping lives here, once: every list, search, export and detail goes through it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import selectinload

from casetrack.accounts.queries import restrict_to_actor_unit
from casetrack.cases import rules
from casetrack.cases.models import Applicant, Case, CaseCorrection, CaseSuspension, CourtDate, OutcomeReport
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


def scoped(stmt: Select, actor) -> Select:
    """Restrict a SELECT over cases (or joined to cases) to what the actor may see."""
    return restrict_to_actor_unit(stmt, actor, Case.respondent_unit_id)


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
        stmt = _two_character_prefilter(stmt, needle).where(Case.search_text.contains(needle, autoescape=True))
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
        stmt = stmt.where(Case.respondent_unit_id == filters.unit_id)
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


def page_of_cases(
    actor, filters: CaseFilters, today: date, warning_days: int, count_cap: int | None = COUNT_CAP
) -> Page:
    stmt = filtered(actor, filters, today, warning_days)
    total, capped = count_matching(stmt, count_cap)
    ordered = stmt.order_by(*SORTS.get(filters.sort, SORTS["received_desc"])).options(selectinload(Case.applicants))
    items = list(db.session.scalars(ordered.limit(filters.per_page).offset((filters.page - 1) * filters.per_page)))
    return Page(items, total, filters.page, filters.per_page, capped)


def iter_cases(actor, filters: CaseFilters, today: date, warning_days: int, limit: int):
    """The filtered cases in list order, streamed in batches: for exports."""
    stmt = filtered(actor, filters, today, warning_days).order_by(*SORTS.get(filters.sort, SORTS["received_desc"]))
    stmt = stmt.options(selectinload(Case.applicants))
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
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for case_id, suspended_on, resumed_on in db.session.execute(
            select(CaseSuspension.case_id, CaseSuspension.suspended_on, CaseSuspension.resumed_on)
            .where(CaseSuspension.case_id.in_(chunk))
            .order_by(CaseSuspension.suspended_on)
        ):
            pauses.setdefault(case_id, []).append(rules.Pause(suspended_on, resumed_on))
        for correction in db.session.scalars(select(CaseCorrection).where(CaseCorrection.case_id.in_(chunk))):
            corrections[correction.case_id] = correction.as_rule_values()
        for item in db.session.scalars(
            select(CourtDate)
            .where(CourtDate.case_id.in_(chunk), CourtDate.withdrawn.is_(False))
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
