"""/api/v1/: JSON over the same queries, services and permission rules as the pages; read-only but for adding a
document to a case's file.

Each view parses its query parameters strictly (a bad or unknown one is a 400 naming it), asks the query module
the page would ask, and serialises with ``schemas``. Errors become JSON in ``casetrack.errors``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from casetrack.accounts.permissions import can
from casetrack.accounts.services import find_unit
from casetrack.api import schemas
from casetrack.cases import queries as case_queries
from casetrack.cases import rules as case_rules
from casetrack.cases.services import reveal_personal_data
from casetrack.clock import local_today
from casetrack.dates import happened_problems
from casetrack.documents import queries as document_queries
from casetrack.documents import rules as document_rules
from casetrack.documents import services as document_services
from casetrack.documents.views import stored_file_response
from casetrack.errors import DomainError, NotFound, PermissionDenied
from casetrack.extensions import csrf, login_manager
from casetrack.i18n import N_
from casetrack.replica import reads_replica
from casetrack.risk import queries as risk_queries
from casetrack.risk import rules as risk_rules
from casetrack.stats import kept
from casetrack.stats.queries import Period
from casetrack.stats.queries import figures as period_figures
from casetrack.unit_of_work import savepoint
from casetrack.web import accepts_body_up_to
from casetrack.workdays.services import current_calendar

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# A script authenticates with its bearer token, which a browser never sends by itself; a browser's session is held
# to a CSRF token in X-CSRFToken instead (_check_session_csrf).
csrf.exempt(bp)

#: Longest piece of a bad value repeated in an error message.
SHOWN_VALUE_LENGTH = 40


@bp.record_once
def _answer_401_instead_of_redirecting(state) -> None:
    # Flask-Login aborts with 401 for a blueprint whose login view is None (errors.py answers it in JSON); a script
    # must not be sent to the HTML login page.
    login_manager.blueprint_login_views[bp.name] = None


# --- parameters -------------------------------------------------------------------------------------------------


def _shown(raw: str) -> str:
    return raw if len(raw) <= SHOWN_VALUE_LENGTH else raw[:SHOWN_VALUE_LENGTH] + "…"


def _refuse_unknown(path: str) -> None:
    known = schemas.query_parameter_names(path)
    for name in request.args:
        if name not in known:
            if not known:
                raise DomainError(N_("Unknown parameter %(name)s: this path takes none."), name=_shown(name))
            raise DomainError(
                N_("Unknown parameter %(name)s; this path takes %(known)s."),
                name=_shown(name),
                known=", ".join(sorted(known)),
            )


def _raw(name: str) -> str:
    value = request.args.get(name, "").strip()
    # PostgreSQL refuses NUL in text, so a search for one would end in a server error instead of an answer.
    if any(ord(char) < 32 for char in value):
        raise DomainError(N_("Parameter %(name)s contains a control character."), name=name)
    return value


def _text(name: str, max_length: int) -> str:
    value = _raw(name)
    if len(value) > max_length:
        raise DomainError(N_("Parameter %(name)s is longer than %(max)s characters."), name=name, max=max_length)
    return value


def _choice(name: str, allowed) -> str:
    value = _raw(name)
    if value and value not in allowed:
        raise DomainError(
            N_("Parameter %(name)s: %(value)s is not one of %(allowed)s."),
            name=name,
            value=_shown(value),
            allowed=", ".join(allowed),
        )
    return value


def _whole_number(name: str, default: int | None, low: int, high: int | None = None, required: bool = False):
    raw = _raw(name)
    if not raw:
        if required:
            raise DomainError(N_("Parameter %(name)s is required."), name=name)
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        if high is None:
            raise DomainError(
                N_("Parameter %(name)s: %(value)s is not a whole number of at least %(low)s."),
                name=name,
                value=_shown(raw),
                low=low,
            )
        raise DomainError(
            N_("Parameter %(name)s: %(value)s is not a whole number from %(low)s to %(high)s."),
            name=name,
            value=_shown(raw),
            low=low,
            high=high,
        )
    return value


def _page() -> int:
    return _whole_number("page", 1, 1, schemas.MAX_PAGE)


def _per_page() -> int:
    return min(_whole_number("per_page", current_app.config["CASETRACK_PER_PAGE"], 1), schemas.MAX_PER_PAGE)


def _date(name: str) -> date | None:
    raw = _raw(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            N_("Parameter %(name)s: %(value)s is not a date (use YYYY-MM-DD)."), name=name, value=_shown(raw)
        ) from None


def _date_range(first: str, last: str) -> tuple[date | None, date | None]:
    start, end = _date(first), _date(last)
    if start and end and start > end:
        raise DomainError(N_("Parameter %(first)s is later than %(last)s."), first=first, last=last)
    return start, end


def _boolean(name: str) -> bool:
    raw = _raw(name)
    if not raw:
        return False
    if raw.lower() not in schemas.BOOLEAN_WORDS:
        raise DomainError(N_("Parameter %(name)s: %(value)s is not true or false."), name=name, value=_shown(raw))
    return schemas.BOOLEAN_WORDS[raw.lower()]


def _unit_filter() -> int | None:
    """A list's unit filter. Naming another unit than a liaison's own is allowed and, as on the pages, finds
    nothing: the scoping in the queries decides what is seen."""
    name = _raw("unit")
    if not name:
        return None
    unit = find_unit(name)
    if unit is None:
        raise DomainError(N_("There is no unit named %(name)s."), name=_shown(name))
    return unit.id


def _figures_unit():
    """The unit whose figures are asked for: None for the district. A liaison gets its own unit and no other."""
    name = _raw("unit")
    if not can(current_user, "see_all_units"):
        own = current_user.unit
        if own is None:
            raise PermissionDenied(N_("You do not have permission to do that."))
        if name and name != own.name:
            raise PermissionDenied(N_("A unit liaison sees only its own unit's figures."))
        return own
    if not name:
        return None
    unit = find_unit(name)
    if unit is None:
        raise NotFound(N_("There is no unit named %(name)s."), name=_shown(name))
    return unit


def _warning_days() -> int:
    return current_app.config["CASETRACK_DEADLINE_WARNING_DAYS"]


def _shows_personal_data() -> bool:
    return can(current_user, "read_personal_data")


# --- endpoints --------------------------------------------------------------------------------------------------


@bp.get("/cases")
@login_required
def list_cases():
    _refuse_unknown("/cases")
    received_from, received_to = _date_range("received_from", "received_to")
    concluded_from, concluded_to = _date_range("concluded_from", "concluded_to")
    deadline = _choice("deadline", schemas.DEADLINE_FILTERS)
    filters = case_queries.CaseFilters(
        kind=_choice("kind", case_rules.KINDS),
        instance=_choice("instance", case_rules.INSTANCES),
        status=_choice("status", [*case_rules.STATUSES, "open"]),
        matter=_choice("matter", case_rules.MATTERS),
        unit_id=_unit_filter(),
        q=_text("q", schemas.MAX_QUERY_LENGTH),
        received_from=received_from,
        received_to=received_to,
        concluded_from=concluded_from,
        concluded_to=concluded_to,
        deadline=deadline,
        # As on the page: someone asking for overdue or due-soon cases wants the most urgent first.
        sort=_choice("sort", case_queries.SORTS) or ("deadline" if deadline else "received_desc"),
        page=_page(),
        per_page=_per_page(),
    )
    # Scripts page by the total, so it is counted exactly rather than capped as on the page.
    page = case_queries.page_of_cases(current_user, filters, local_today(), _warning_days(), count_cap=None)
    personal = reveal_personal_data(page.items, current_user)
    return jsonify(schemas.page_json(page, [schemas.case_json(case, personal) for case in page.items]))


@bp.get("/cases/<int:case_id>")
@login_required
def show_case(case_id: int):
    _refuse_unknown("/cases/{case_id}")
    case = case_queries.get_visible_case(current_user, case_id)
    deadlines = case_rules.compute_deadlines(case.dates(), current_calendar())
    links = case_queries.direct_links(case.id)
    visible = case_queries.visible_ids(current_user, [link["id"] for link in links])
    related = [link for link in links if link["id"] in visible]
    return jsonify(
        schemas.case_detail_json(
            case, reveal_personal_data([case], current_user), deadlines, local_today(), _warning_days(), related
        )
    )


@bp.get("/figures")
@login_required
@reads_replica
def figures():
    _refuse_unknown("/figures")
    year = _whole_number("year", None, *schemas.YEAR_RANGE, required=True)
    month = _whole_number("month", None, 1, 12)
    unit = _figures_unit()
    period, previous = Period.compared(year, month, local_today())
    result = period_figures(period, previous, unit.id if unit else None, kept.kept())
    # from/to say which days were counted: a running year or month stops at today (compared with the same days
    # a year earlier), as on the dashboard and in the report.
    return jsonify(
        {
            "year": year,
            "month": month,
            "unit": unit.name if unit else None,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            **result,
        }
    )


@bp.get("/risk-queue")
@login_required
def risk_queue():
    # Every signed-in role opens the queue page, a liaison seeing its own unit's entries only; so here.
    _refuse_unknown("/risk-queue")
    filters = risk_queries.RiskFilters(
        state=_choice("state", sorted(risk_rules.QUEUE_STATES)),
        unit_id=_unit_filter(),
        overdue=_boolean("overdue"),
        ledger=False,
        page=_page(),
        per_page=_per_page(),
    )
    page = risk_queries.page_of_risk_cases(current_user, filters, local_today())
    personal = _shows_personal_data()
    items = [schemas.risk_entry_json(entry, score, overdue, personal) for entry, score, overdue in page.items]
    return jsonify(schemas.page_json(page, items))


def _check_session_csrf() -> None:
    if request.headers.get("Authorization", "").startswith("Bearer "):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.form.get("csrf_token", ""))
    except (ValidationError, CSRFError):
        raise DomainError(
            N_("A request signed in by the session cookie must carry the page's CSRF token in X-CSRFToken.")
        ) from None


@bp.get("/cases/<int:case_id>/documents")
@login_required
def list_case_documents(case_id: int):
    _refuse_unknown("/cases/{case_id}/documents")
    case = case_queries.get_visible_case(current_user, case_id)
    return jsonify({"items": [schemas.document_json(d) for d in document_queries.file_of("case", case.id)]})


@bp.post("/cases/<int:case_id>/documents")
@login_required
@accepts_body_up_to("CASETRACK_DOCUMENT_MAX_REQUEST_BYTES")
def add_case_document(case_id: int):
    _refuse_unknown("/cases/{case_id}/documents")
    _check_session_csrf()
    case = case_queries.get_visible_case(current_user, case_id)
    unknown = sorted(set(request.form) - {"category", "title", "dated_on", "given_by", "csrf_token"}) + sorted(
        set(request.files) - {"file"}
    )
    if unknown:
        raise DomainError(
            N_("Unknown field %(name)s; this path takes file, category, title, dated_on and given_by."),
            name=_shown(unknown[0]),
        )
    uploaded = request.files.getlist("file")
    if len(uploaded) != 1:
        raise DomainError(N_("Send exactly one file, in the multipart field file."))
    category = request.form.get("category", "")
    if category not in document_rules.CATEGORIES:
        raise DomainError(
            N_("Field category: %(value)s is not one of %(allowed)s."),
            value=_shown(category),
            allowed=", ".join(document_rules.CATEGORIES),
        )
    title = request.form.get("title", "")
    if len(title) > document_rules.TITLE_MAX or any(ord(c) < 32 for c in title):
        raise DomainError(
            N_("Field title must be at most %(max)s characters, without control characters."),
            max=document_rules.TITLE_MAX,
        )
    dated_on = None
    if raw := request.form.get("dated_on", "").strip():
        try:
            dated_on = date.fromisoformat(raw)
        except ValueError:
            raise DomainError(
                N_("Field dated_on: %(value)s is not a date (use YYYY-MM-DD)."), value=_shown(raw)
            ) from None
        if problems := happened_problems(dated_on, local_today()):
            raise DomainError(problems[0])
    with savepoint():
        (document,) = document_services.add_documents(
            "case",
            case,
            current_user,
            uploads=[document_services.Upload(uploaded[0].stream, uploaded[0].filename)],
            category=category,
            title=title,
            dated_on=dated_on,
            given_by=request.form.get("given_by", "")[:100],
        )
    return jsonify(schemas.document_json(document)), 201


@bp.get("/documents/<int:document_id>/content")
@login_required
def document_content(document_id: int):
    _refuse_unknown("/documents/{document_id}/content")
    document, _ = document_queries.get_visible_document(current_user, document_id)
    version = document.current
    file_type = document_rules.FILE_TYPES.get(version.content_type)
    extension = file_type.extension if file_type else "bin"
    return stored_file_response(
        version.sha256, version.content_type, version.filename, f"document-{document.id}.{extension}", inline=False
    )


@bp.get("/openapi.json")
def openapi():
    # Public: a client needs it to learn how to authenticate, and it describes no data.
    _refuse_unknown("/openapi.json")
    return jsonify(schemas.openapi_document(current_app.config["CASETRACK_PER_PAGE"]))
