"""Reading cases. Unit scoping lives here, once: every list, search, export and detail goes through it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from casetrack.accounts.queries import restrict_to_actor_unit
from casetrack.bulk import among
from casetrack.cases import kinds, rules
from casetrack.cases.models import Applicant, Case, CaseRespondent, OutcomeReport
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
    stmt = stmt.options(selectinload(Case.applicants), selectinload(Case.co_respondents))
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
