from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from casetrack.accounts.forms import ConfirmForm
from casetrack.accounts.models import User
from casetrack.accounts.permissions import can, home_unit_id, landing_endpoint, roles_with
from casetrack.accounts.queries import units_to_filter_by
from casetrack.accounts.services import all_units
from casetrack.audit.services import history
from casetrack.cases import kinds, queries, rules, services
from casetrack.cases.forms import (
    AppealDecisionForm,
    CaseForm,
    CoRespondentForm,
    CorrectionExtensionForm,
    CourtDateDoneForm,
    CourtDateForm,
    TransitionForm,
)
from casetrack.cases.ledger import COLUMNS as LEDGER_COLUMNS
from casetrack.cases.ledger import case_row
from casetrack.clock import local_today
from casetrack.errors import ConflictError, DomainError
from casetrack.extensions import db
from casetrack.hearings.forms import ScheduleForm
from casetrack.hearings.queries import hearings_of_case
from casetrack.i18n import text_of
from casetrack.ledger.workbook import write_workbook
from casetrack.mediation.queries import mediations_of_case
from casetrack.params import parse_id
from casetrack.replica import reads_replica
from casetrack.review_hearings import rules as review_hearing_rules
from casetrack.review_hearings import services as review_hearing_services
from casetrack.review_hearings.forms import ScheduleReviewHearingForm
from casetrack.review_hearings.queries import review_hearings_of_case
from casetrack.risk import queries as risk_queries
from casetrack.risk.forms import FlagForm
from casetrack.unit_of_work import attempt, savepoint
from casetrack.web import label, parse_int_arg, permission_required, read_date_filters, xlsx_download
from casetrack.workdays.services import current_calendar

bp = Blueprint("cases", __name__)

#: The amounts are entered in yuan and kept in fen (cases.kinds.fen).
AMOUNT_FIELDS = {"amount_claimed": "amount_claimed_fen", "amount_granted": "amount_granted_fen"}
#: The linked case is named by its number on the form (services.resolve_related_number finds it).
FORM_FIELDS = (
    "kind",
    *(name for name in services.EDITABLE_FIELDS if name not in (*AMOUNT_FIELDS.values(), "related_case_id")),
    "related_number",
    "accepted_on",
    "concluded_on",
    "outcome",
)


def _warning_days() -> int:
    return current_app.config["CASETRACK_DEADLINE_WARNING_DAYS"]


def _default_sort(deadline_filter: str | None) -> str:
    # Someone asking for overdue or due-soon cases wants the most urgent first.
    return "deadline" if deadline_filter in {"overdue", "due_soon", "attention"} else "received_desc"


def _filters_from_request() -> queries.CaseFilters:
    args = request.args
    filters = queries.CaseFilters(
        q=args.get("q", "").strip()[:100],
        number=args.get("number", "").strip()[: rules.MAX_NUMBER],
        applicant=args.get("applicant", "").strip()[:100],
        kind=args.get("kind", "") if args.get("kind") in rules.KINDS else "",
        instance=args.get("instance", "") if args.get("instance") in rules.INSTANCES else "",
        status=args.get("status", "") if args.get("status") in {*rules.STATUSES, "open"} else "",
        matter=args.get("matter", "") if args.get("matter") in rules.MATTERS else "",
        deadline=args.get("deadline", "") if args.get("deadline") in {"overdue", "due_soon", "attention"} else "",
        sort=args.get("sort") if args.get("sort") in queries.SORTS else _default_sort(args.get("deadline")),
        page=parse_int_arg("page", 1, maximum=100_000),
        per_page=parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )
    unit_raw = args.get("unit_id", "")
    filters.unit_id = parse_id(unit_raw)
    read_date_filters(filters)
    return filters


def _co_respondent_choices():
    return [(0, "—")] + [(unit.id, unit.name) for unit in all_units(active_only=True)]


def _role_choices(kind: str | None):
    spec = kinds.kind_of(kind)
    roles = spec.respondent_roles if spec else tuple(kinds.RESPONDENT_ROLES)
    return [(role, text_of(kinds.RESPONDENT_ROLES[role])) for role in roles]


#: Blank co-defendant rows the case form offers beyond those named.
BLANK_CO_RESPONDENT_ROWS = 2


def _prepare_co_respondents(form: CaseForm, kind: str | None, proposals=()) -> None:
    """Choices for the co-defendant rows, blank rows to add more, and a proposed co-defendant (Art 26(2)) filled
    into the first blank row, for the person to keep or clear."""
    if request.method == "GET":
        for _ in range(BLANK_CO_RESPONDENT_ROWS):
            form.co_respondents.append_entry()
        named = {entry.unit_id.data for entry in form.co_respondents}
        blanks = [entry for entry in form.co_respondents if not entry.unit_id.data]
        for proposal, entry in zip([p for p in proposals if p.unit_id not in named], blanks, strict=False):
            entry.unit_id.data, entry.role.data = proposal.unit_id, proposal.role
    for entry in form.co_respondents:
        entry.unit_id.choices = _co_respondent_choices()
        entry.role.choices = _role_choices(kind)


def _co_respondents_of(form: CaseForm) -> list[tuple[int, str]]:
    return [(entry.unit_id.data, entry.role.data) for entry in form.co_respondents if entry.unit_id.data]


def _proposals_for(case) -> list:
    """Co-defendants the rules propose for a case (an open lawsuit after an upheld review), for staff who name
    them."""
    if not can(current_user, "name_co_respondents") or not case.is_open:
        return []
    return services.proposed_codefendants(
        case.kind, case.respondent_unit_id, [a.name for a in case.applicants], named_unit_ids=case.respondent_unit_ids
    )


def _unit_choices_for(user):
    if can(user, "see_all_units"):
        return [(unit.id, unit.name) for unit in all_units(active_only=True)]
    return [(user.unit.id, user.unit.name)] if user.unit else []


@bp.route("/")
@login_required
def index():
    return redirect(url_for(landing_endpoint(current_user)))


@bp.route("/cases")
@login_required
def list_cases():
    filters = _filters_from_request()
    for problem in filters.problems:
        flash(problem, "error")
    page = queries.page_of_cases(current_user, filters, local_today(), _warning_days())
    units = units_to_filter_by(current_user)
    return render_template(
        "cases/list.html",
        page=page,
        filters=filters,
        units=units,
        sorts=SORT_LABELS,
        export_args=filters.as_query_args(),
    )


SORT_LABELS = {
    "received_desc": _l("Newest received"),
    "received_asc": _l("Oldest received"),
    "number": _l("Case number"),
    "deadline": _l("Next deadline"),
    "concluded_desc": _l("Recently concluded"),
}

EXPORT_EXTRA_HEADERS = ("状态", "下一期限", "期限日期")


@bp.route("/cases/export.xlsx")
@login_required
@reads_replica
def export_cases():
    """The list as filtered on screen, in the ledger's column format (so it can be re-imported) plus status."""
    filters = _filters_from_request()
    if filters.problems:
        flash(filters.problems[0], "error")
        return redirect(url_for("cases.list_cases", **filters.as_query_args()))
    today = local_today()
    limit = current_app.config["CASETRACK_EXPORT_MAX_ROWS"]
    cases = queries.iter_cases(current_user, filters, today, _warning_days(), limit)

    def rows():
        for case in cases:
            yield [
                *case_row(case),
                label(rules.STATUSES, case.status),
                label(rules.DEADLINE_LABELS, case.next_deadline_code),
                case.next_deadline_on,
            ]

    headers = [c.title for c in LEDGER_COLUMNS] + list(EXPORT_EXTRA_HEADERS)
    return xlsx_download(lambda file: write_workbook(file, [("案件", headers, rows())]), "cases")


def _handler_choices():
    staff = db.session.scalars(
        select(User).where(User.role.in_(roles_with("handle_cases")), User.active.is_(True)).order_by(User.display_name)
    )
    return [(0, "—")] + [(user.id, user.label) for user in staff]


#: An outcome option's value names its kind ("review:revoked"): kinds share outcome codes, and of two options with
#: one value the browser shows the last as chosen when the page is drawn again after an error. case-form.js shows
#: only the chosen kind's options.
OUTCOME_OPTION = "{kind}:{outcome}"


def _outcome_choices(only_kind: str | None = None):
    choices = [("", "—")]
    for code_of_kind, kind in kinds.KINDS.items():
        if only_kind in (None, code_of_kind):
            choices += [
                (OUTCOME_OPTION.format(kind=code_of_kind, outcome=code), f"{text_of(kind.label)} · {text_of(name)}")
                for code, name in kind.outcomes.items()
            ]
    return choices


def _outcome_of(option: str | None, kind: str | None) -> str | None:
    """The outcome code an option stands for; one of another kind stays as it is, for the rules to refuse."""
    if not option:
        return None
    option_kind, _, code = option.rpartition(":")
    return code if option_kind in ("", kind) else option


def _form_data(form: CaseForm) -> dict:
    data = {name: getattr(form, name).data for name in FORM_FIELDS}
    data["number"] = (data["number"] or "").strip()
    data["summary"] = data["summary"] or ""
    data["outcome"] = _outcome_of(data["outcome"], data["kind"])
    data["applicant_count"] = data["applicant_count"] or 1
    data["applicants"] = rules.parse_applicant_lines(form.applicants.data or "")
    data["handler_id"] = data["handler_id"] or None
    spec = kinds.kind_of(data["kind"])
    if spec is None or not spec.uses("procedure"):
        data["procedure"] = kinds.DEFAULT_PROCEDURE
    for name, stored in AMOUNT_FIELDS.items():
        data[stored] = kinds.fen(getattr(form, name).data)
    for name in ("extension_approved_by", "extension_reason", "ruling_kind", "related_relation"):
        data[name] = (data[name] or "").strip() or None
    if spec is None or not spec.uses("related_case_id"):
        data.pop("related_number")
        data["related_relation"] = None
    if can(current_user, "name_co_respondents"):
        data["co_respondents"] = _co_respondents_of(form)
    return data


def _show_problems(form: CaseForm, error: DomainError) -> None:
    problems = getattr(error, "problems", None)
    if not problems:
        flash(error.translated(), "error")
        return
    form_field_of = {stored: name for name, stored in AMOUNT_FIELDS.items()} | {"related_case_id": "related_number"}
    for problem in problems:
        field = getattr(form, form_field_of.get(problem.field, problem.field), None)
        message = gettext(problem.message, **problem.as_params())
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")
    flash(gettext("The case was not saved. Correct the fields marked below."), "error")


@bp.route("/cases/new", methods=["GET", "POST"])
@login_required
def new_case():
    services.check_can_write(current_user, home_unit_id(current_user), "register_case")
    form = CaseForm()
    form.respondent_unit_id.choices = _unit_choices_for(current_user)
    form.handler_id.choices = _handler_choices()
    form.outcome.choices = _outcome_choices()
    follows = None
    _prepare_co_respondents(form, None)
    if request.method == "GET":
        form.received_on.data = local_today()
        form.handler_id.data = current_user.id if can(current_user, "handle_cases") else 0
        follows = _prefill_following(form)
    if form.validate_on_submit():
        try:
            with savepoint():
                case = services.register_case(_form_data(form), current_user, local_today())
        except DomainError as error:
            _show_problems(form, error)
        else:
            flash(gettext("Case %(number)s registered.", number=case.number), "info")
            for proposal in _proposals_for(case):
                flash(_proposal_text(proposal), "warn")
            return redirect(url_for("cases.show_case", case_id=case.id))
    return render_template("cases/form.html", form=form, case=None, follows=follows), 400 if form.errors else 200


def _prefill_following(form: CaseForm):
    """登记二审 / 登记复议后起诉: registration opened from an earlier case starts as its successor — a litigation
    case with the same parties, respondent and matter, the instance the relation needs, linked to it."""
    relation = request.args.get("relation", "")
    earlier_id = parse_id(request.args.get("follows", ""))
    if relation not in kinds.RELATIONS or earlier_id is None:
        return None
    earlier = queries.get_visible_case(current_user, earlier_id)
    if not rules.may_be_followed(earlier.kind, earlier.instance, earlier.status, relation):
        flash(gettext("This case cannot be followed that way."), "error")
        return None
    form.kind.data = kinds.LITIGATION
    form.instance.data = kinds.RELATION_RULES[relation].own_instance or kinds.FIRST_INSTANCE
    form.related_relation.data = relation
    form.related_number.data = earlier.number
    form.respondent_unit_id.data = earlier.respondent_unit_id
    form.matter.data = earlier.matter
    form.applicant_count.data = earlier.applicant_count
    show_id_numbers = services.reveal_personal_data([earlier], current_user)
    form.applicants.data = "\n".join(
        f"{a.name} {a.id_number or ''}".strip() if show_id_numbers else a.name for a in earlier.applicants
    )
    return earlier


def _proposal_text(proposal) -> str:
    from casetrack.accounts.models import Unit

    unit = db.session.get(Unit, proposal.unit_id)
    return gettext(
        "The review %(number)s upheld the act this lawsuit is about: %(unit)s, the review body, is a co-defendant "
        "(Administrative Litigation Law Art. 26(2)).",
        number=proposal.because_of,
        unit=unit.name if unit else "",
    )


@bp.route("/cases/<int:case_id>")
@login_required
def show_case(case_id: int):
    case = queries.get_visible_case(current_user, case_id)
    today = local_today()
    calendar = current_calendar()
    deadlines = rules.compute_deadlines(case.dates(), calendar)
    transition_form = TransitionForm(version=case.version)
    transition_form.outcome.choices = [("", "—")] + [
        (c, text_of(n)) for c, n in rules.OUTCOMES_BY_KIND[case.kind].items()
    ]
    transition_form.reason_code.choices = [(c, text_of(n)) for c, n in case.spec.suspension_reasons.items()]
    can_write = can(current_user, "edit_case")
    outcome_reports = queries.case_outcome_reports(case.id)
    links = queries.linked_cases(case)
    co_respondent_form = CoRespondentForm(version=case.version)
    co_respondent_form.unit_id.choices = [
        (unit_id, name) for unit_id, name in _co_respondent_choices() if unit_id not in case.respondent_unit_ids
    ]
    co_respondent_form.role.choices = _role_choices(case.kind)
    proposals = _proposals_for(case)
    review_hearings = review_hearings_of_case(case.id) if kinds.has_review_hearings(case.kind) else []
    return render_template(
        "cases/detail.html",
        case=case,
        deadlines=deadlines,
        today=today,
        warning_days=_warning_days(),
        history=history("case", case.id),
        actions=rules.allowed_actions(case.status, current_user, case.respondent_unit_id, case.kind),
        extension_form=CorrectionExtensionForm(version=case.version),
        court_date_form=_court_date_form(case) if case.spec.has_court_dates else None,
        court_date_done_form=CourtDateDoneForm(),
        confirm_form=ConfirmForm(),
        can_set_court_dates=can(current_user, "set_court_dates", case.respondent_unit_id),
        can_extend_correction=case.status == "correcting"
        and can(current_user, "examine_application", case.respondent_unit_id),
        suspended_days=rules.suspended_days_so_far(case.open_suspension.suspended_on, today)
        if case.open_suspension
        else None,
        transition_form=transition_form,
        can_write=can_write,
        show_personal_data=services.reveal_personal_data([case], current_user),
        estimated=any(d.estimated for d in deadlines),
        hearings=hearings_of_case(case.id) if case.spec.has_hearings else [],
        schedule_form=ScheduleForm(),
        review_hearings=review_hearings,
        late_notices={h.id for h in review_hearings if review_hearing_services.notice_is_late(h, calendar)},
        review_hearing_form=ScheduleReviewHearingForm(),
        review_hearing_rules=review_hearing_rules,
        risk_score=risk_queries.score_of(case.id),
        risk_case=risk_queries.risk_case_of(case.id),
        flag_form=FlagForm(),
        mediations=mediations_of_case(case.id),
        pending_report=next((r for r in outcome_reports if r.status == "pending"), None),
        outcome_reports=outcome_reports,
        links=links,
        openable=queries.visible_ids(current_user, [link.case.id for link in links]),
        appeal=next((d for d in deadlines if d.code == "appeal"), None),
        appeal_form=AppealDecisionForm(version=case.version, decision=case.appeal_decision or ""),
        may_decide_appeal=rules.can_decide_appeal(case.kind, case.instance, case.outcome)
        and can(current_user, "decide_appeal", case.respondent_unit_id),
        follow_relations=[
            relation
            for relation in kinds.RELATIONS
            if rules.may_be_followed(case.kind, case.instance, case.status, relation)
        ]
        if can(current_user, "register_case", case.respondent_unit_id)
        else [],
        co_respondent_form=co_respondent_form,
        proposals=[(proposal, _proposal_text(proposal)) for proposal in proposals],
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit_case(case_id: int):
    case = services.get_case_for_edit(current_user, case_id)
    form = CaseForm(obj=case if request.method == "GET" else None)
    form.respondent_unit_id.choices = _unit_choices_for(current_user)
    form.handler_id.choices = _handler_choices()
    form.outcome.choices = _outcome_choices(case.kind)
    proposals = _proposals_for(case)
    _prepare_co_respondents(form, case.kind, proposals)
    if request.method == "GET":
        form.handler_id.data = case.handler_id or 0
        form.applicants.data = "\n".join(f"{a.name} {a.id_number or ''}".strip() for a in case.applicants)
        form.version.data = case.version
        form.outcome.data = OUTCOME_OPTION.format(kind=case.kind, outcome=case.outcome) if case.outcome else ""
        for name, stored in AMOUNT_FIELDS.items():
            form[name].data = None if getattr(case, stored) is None else Decimal(getattr(case, stored)) / 100
        form.related_number.data = case.related_case.number if case.related_case else ""
    # The type of a case never changes; a wrongly typed case is a different case.
    form.kind.data = case.kind
    if form.validate_on_submit():
        data = _form_data(form)
        data.pop("kind")
        if not can(current_user, "read_personal_data"):
            # Masked numbers are not shown to this role, so its form cannot carry them: keep the stored ones.
            stored = {a.name: a.id_number for a in case.applicants}
            for applicant in data["applicants"]:
                applicant["id_number"] = stored.get(applicant["name"])
        try:
            with savepoint():
                services.update_case(case, data, current_user, local_today(), expected_version=form.version.data)
        except ConflictError as error:
            flash(error.translated(), "error")
            return render_template("cases/form.html", form=form, case=case, conflict=True), 409
        except DomainError as error:
            _show_problems(form, error)
        else:
            flash(gettext("Case %(number)s saved.", number=case.number), "info")
            return redirect(url_for("cases.show_case", case_id=case.id))
    if request.method == "GET" and not services.reveal_personal_data([case], current_user):
        form.applicants.data = "\n".join(a.name for a in case.applicants)
    proposal_texts = [_proposal_text(p) for p in proposals] if request.method == "GET" else []
    return render_template("cases/form.html", form=form, case=case, proposals=proposal_texts), (
        400 if form.errors else 200
    )


@bp.route("/cases/<int:case_id>/appeal-decision", methods=["POST"])
@permission_required("decide_appeal")
def record_appeal_decision(case_id: int):
    case = queries.get_visible_case(current_user, case_id)
    form = AppealDecisionForm()
    if not form.validate_on_submit():
        flash(gettext("Check the date and try again."), "error")
    else:
        attempt_case_change(
            lambda: services.record_appeal_decision(
                case,
                current_user,
                local_today(),
                decision=form.decision.data,
                decided_on=form.decided_on.data,
                approved_by=form.approved_by.data or "",
                expected_version=form.version.data,
            ),
            gettext(
                "Case %(number)s: %(decision)s recorded.",
                number=case.number,
                decision=label(kinds.APPEAL_DECISIONS, form.decision.data),
            ),
        )
    return redirect(url_for("cases.show_case", case_id=case.id) + "#appeal")


def attempt_case_change(work, success: str) -> None:
    """A case service call whose refusal may carry several field problems: the first is what the flash says."""
    try:
        with savepoint():
            work()
    except DomainError as error:
        problems = getattr(error, "problems", None)
        flash(gettext(problems[0].message, **problems[0].as_params()) if problems else error.translated(), "error")
    else:
        flash(success, "info")


APPEAL_HEADERS = ("案号", "被告", "审结日期", "结果", "裁判类型", "判决送达日期", "上诉期限", "剩余天数")


def _appeal_rows(cases, today: date):
    """Each undecided appeal with its deadline, computed as the case page computes it."""
    calendar = current_calendar()
    for case in cases:
        deadline = next((d for d in rules.compute_deadlines(case.dates(), calendar) if d.code == "appeal"), None)
        yield case, deadline, (deadline.days_left(today) if deadline else None)


@bp.route("/cases/appeals")
@permission_required("watch_appeals")
def undecided_appeals():
    today = local_today()
    page = queries.page_of_undecided_appeals(
        current_user,
        today,
        parse_int_arg("page", 1, maximum=100_000),
        parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )
    return render_template(
        "cases/appeals.html",
        page=page,
        rows=list(_appeal_rows(page.items, today)),
        today=today,
        watch_days=queries.APPEAL_WATCH_DAYS,
    )


@bp.route("/cases/appeals/export.xlsx")
@permission_required("watch_appeals")
@reads_replica
def export_undecided_appeals():
    today = local_today()
    limit = current_app.config["CASETRACK_EXPORT_MAX_ROWS"]
    cases = db.session.scalars(queries.undecided_appeals(current_user, today).limit(limit))

    def rows():
        for case, deadline, left in _appeal_rows(cases, today):
            yield [
                case.number,
                case.respondent_unit.name,
                case.concluded_on,
                rules.term_for(rules.OUTCOME_TERMS_BY_KIND[case.kind], case.outcome),
                rules.term_for(kinds.RULING_KIND_TERMS, case.ruling_kind) if case.judgment_served_on else "",
                case.judgment_served_on,
                deadline.due_on if deadline else None,
                left,
            ]

    return xlsx_download(lambda file: write_workbook(file, [("上诉待定", list(APPEAL_HEADERS), rows())]), "appeals")


@bp.route("/cases/outcome-reports")
@login_required
def outcome_reports():
    return render_template("cases/outcome_reports.html", reports=queries.outcome_reports(current_user))


def _decide(work, success: str, case_id: int):
    attempt(work, success)
    return redirect(url_for("cases.show_case", case_id=case_id) + "#outcome-reports")


@bp.route("/cases/<int:case_id>/report-outcome", methods=["POST"])
@permission_required("report_outcome")
def report_outcome(case_id: int):
    case = queries.get_visible_case(current_user, case_id)
    form = TransitionForm()
    # The outcome is checked against the case's kind by the service, as for every other way of setting one.
    if not form.validate_on_submit():
        flash(gettext("Check the date and the outcome and try again."), "error")
        return redirect(url_for("cases.show_case", case_id=case.id) + "#outcome-reports")
    return _decide(
        lambda: services.report_outcome(
            case,
            current_user,
            local_today(),
            outcome=form.outcome.data,
            concluded_on=form.on.data,
            note=form.reason.data or "",
            amount_granted_fen=kinds.fen(form.amount_granted.data),
        ),
        gettext("Outcome reported; the legal bureau will confirm it."),
        case.id,
    )


@bp.route("/cases/outcome-reports/<int:report_id>/confirm", methods=["POST"])
@permission_required("confirm_outcome")
def confirm_outcome_report(report_id: int):
    report = queries.get_visible_outcome_report(current_user, report_id)
    if not TransitionForm().validate_on_submit():
        abort(400)
    return _decide(
        lambda: services.confirm_outcome_report(report, current_user, local_today()),
        gettext("Outcome confirmed: case %(number)s is concluded.", number=report.case.number),
        report.case_id,
    )


@bp.route("/cases/outcome-reports/<int:report_id>/return", methods=["POST"])
@permission_required("confirm_outcome")
def return_outcome_report(report_id: int):
    report = queries.get_visible_outcome_report(current_user, report_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    return _decide(
        lambda: services.return_outcome_report(report, current_user, form.reason.data or ""),
        gettext("The outcome report was returned to the unit."),
        report.case_id,
    )


def _change_co_respondents(case_id: int, change) -> object:
    case = services.get_case_for_edit(current_user, case_id)
    form = CoRespondentForm()
    form.unit_id.choices, form.role.choices = _co_respondent_choices(), _role_choices(case.kind)
    back = redirect(url_for("cases.show_case", case_id=case.id) + "#respondents")
    if not form.validate_on_submit():
        flash(gettext("Choose the unit and its role and try again."), "error")
        return back
    try:
        with savepoint():
            message = change(case, form)
    except DomainError as error:
        problems = getattr(error, "problems", None)
        flash(gettext(problems[0].message, **problems[0].as_params()) if problems else error.translated(), "error")
    else:
        flash(message, "info")
    return back


@bp.route("/cases/<int:case_id>/co-respondents", methods=["POST"])
@permission_required("name_co_respondents")
def add_co_respondent(case_id: int):
    def change(case, form):
        services.add_co_respondent(
            case,
            current_user,
            local_today(),
            unit_id=form.unit_id.data,
            role=form.role.data,
            expected_version=form.version.data,
        )
        return gettext("Co-defendant added.")

    return _change_co_respondents(case_id, change)


@bp.route("/cases/<int:case_id>/co-respondents/<int:unit_id>/remove", methods=["POST"])
@permission_required("name_co_respondents")
def remove_co_respondent(case_id: int, unit_id: int):
    def change(case, form):
        services.remove_co_respondent(
            case, current_user, local_today(), unit_id=unit_id, expected_version=form.version.data
        )
        return gettext("Co-defendant removed.")

    return _change_co_respondents(case_id, change)


@bp.route("/cases/<int:case_id>/<action>", methods=["POST"])
@login_required
def transition(case_id: int, action: str):
    if action not in rules.ACTIONS:
        return redirect(url_for("cases.show_case", case_id=case_id))
    case = services.get_case_for_edit(current_user, case_id)
    form = TransitionForm()
    form.outcome.choices = [("", "—")] + [(c, c) for c in rules.OUTCOMES_BY_KIND[case.kind]]
    if not form.validate_on_submit():
        flash(gettext("Check the date and try again."), "error")
        return redirect(url_for("cases.show_case", case_id=case.id))
    try:
        with savepoint():
            services.transition(
                case,
                action,
                current_user,
                local_today(),
                expected_version=form.version.data,
                on=form.on.data,
                outcome=form.outcome.data or None,
                amount_granted_fen=kinds.fen(form.amount_granted.data),
                reason=form.reason.data or "",
                reason_code=form.reason_code.data or None,
                items=form.items.data or "",
                notice_received_on=form.notice_received_on.data,
            )
    except DomainError as error:
        _flash_refusal(error)
    else:
        flash(gettext("Case %(number)s: %(action)s.", number=case.number, action=label(rules.ACTIONS, action)), "info")
        if action == "request_correction" and rules.correction_notice_late(
            case.received_on, case.correction.notice_on, current_calendar()
        ):
            flash(
                gettext(
                    "The correction notice went out later than 5 working days after the application was received "
                    "(Administrative Review Law Art. 31). It is recorded as sent late."
                ),
                "warn",
            )
    return redirect(url_for("cases.show_case", case_id=case_id))


def _flash_refusal(error: DomainError) -> None:
    problems = getattr(error, "problems", None)
    flash(gettext(problems[0].message, **problems[0].as_params()) if problems else error.translated(), "error")


@bp.route("/cases/<int:case_id>/correction/extend", methods=["POST"])
@login_required
def extend_correction(case_id: int):
    case = services.get_case_for_edit(current_user, case_id)
    form = CorrectionExtensionForm()
    if not form.validate_on_submit():
        flash(gettext("Give the new deadline and the reason, then try again."), "error")
        return redirect(url_for("cases.show_case", case_id=case.id) + "#clock-stops")
    try:
        with savepoint():
            services.extend_correction(
                case,
                current_user,
                local_today(),
                form.version.data,
                extended_to=form.extended_to.data,
                reason=form.reason.data or "",
            )
    except DomainError as error:
        _flash_refusal(error)
    else:
        flash(
            gettext(
                "Case %(number)s: the applicant now has until %(day)s to correct.",
                number=case.number,
                day=case.correction.extended_to.isoformat(),
            ),
            "info",
        )
    return redirect(url_for("cases.show_case", case_id=case.id) + "#clock-stops")


@bp.route("/cases/suspended")
@login_required
def suspended_cases():
    page = parse_int_arg("page", 1, minimum=1)
    today = local_today()
    return render_template(
        "cases/suspended.html",
        page=queries.suspended_cases(current_user, today, page=page),
        long_days=rules.LONG_SUSPENSION_DAYS,
    )


@bp.route("/cases/suspended.xlsx")
@login_required
@reads_replica
def export_suspended_cases():
    today = local_today()
    limit = current_app.config["CASETRACK_EXPORT_MAX_ROWS"]
    items = queries.suspended_cases(current_user, today, page=1, per_page=limit).items
    header = [
        gettext("Case number (案号)"),
        gettext("Type"),
        gettext("Respondent unit"),
        gettext("Suspended on"),
        gettext("Days suspended"),
        gettext("Ground for the suspension"),
        gettext("Handler"),
    ]
    rows = (
        [
            item.case.number,
            text_of(rules.KINDS[item.case.kind]),
            item.case.respondent_unit.name,
            item.suspension.suspended_on,
            item.days_so_far,
            "；".join(part for part in (text_of(item.suspension.reason_label), item.suspension.reason_text) if part),
            item.case.handler.label if item.case.handler else "",
        ]
        for item in items
    )
    return xlsx_download(lambda file: write_workbook(file, [("中止案件", header, rows)]), "suspended-cases")


def _court_date_form(case) -> CourtDateForm:
    form = CourtDateForm()
    people = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_(roles_with("set_court_dates")))
        .order_by(User.display_name)
    )
    form.owner_id.choices = [(0, "—")] + [
        (user.id, user.label) for user in people if can(user, "set_court_dates", case.respondent_unit_id)
    ]
    if request.method == "GET":
        form.owner_id.data = current_user.id
    return form


def _court_date_of(case_id: int, court_date_id: int):
    return queries.court_date_of(services.get_case_for_edit(current_user, case_id), court_date_id)


@bp.route("/cases/<int:case_id>/court-dates", methods=["POST"])
@login_required
def add_court_date(case_id: int):
    case = services.get_case_for_edit(current_user, case_id)
    form = CourtDateForm()
    if not form.validate_on_submit():
        flash(gettext("Check the date and the owner, then try again."), "error")
        return redirect(url_for("cases.show_case", case_id=case.id) + "#court-dates")
    try:
        with savepoint():
            item = services.add_court_date(
                case,
                current_user,
                local_today(),
                kind=form.kind.data,
                due_on=form.due_on.data,
                owner_id=form.owner_id.data,
                note=form.note.data or "",
            )
    except DomainError as error:
        _flash_refusal(error)
    else:
        flash(
            gettext(
                "Case %(number)s: %(what)s on %(day)s recorded.",
                number=case.number,
                what=label(kinds.COURT_DATE_KINDS, item.kind),
                day=item.due_on.isoformat(),
            ),
            "info",
        )
    return redirect(url_for("cases.show_case", case_id=case.id) + "#court-dates")


@bp.route("/cases/<int:case_id>/court-dates/<int:court_date_id>/done", methods=["POST"])
@login_required
def complete_court_date(case_id: int, court_date_id: int):
    item = _court_date_of(case_id, court_date_id)
    form = CourtDateDoneForm()
    if not form.validate_on_submit():
        flash(gettext("Check the date and try again."), "error")
        return redirect(url_for("cases.show_case", case_id=case_id) + "#court-dates")
    attempt(
        lambda: services.complete_court_date(item, current_user, local_today(), done_on=form.done_on.data),
        gettext("Marked done."),
    )
    return redirect(url_for("cases.show_case", case_id=case_id) + "#court-dates")


@bp.route("/cases/<int:case_id>/court-dates/<int:court_date_id>/remove", methods=["POST"])
@login_required
def remove_court_date(case_id: int, court_date_id: int):
    item = _court_date_of(case_id, court_date_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attempt(lambda: services.remove_court_date(item, current_user), gettext("The court date was removed."))
    return redirect(url_for("cases.show_case", case_id=case_id) + "#court-dates")
