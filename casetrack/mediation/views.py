from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.accounts.permissions import can, roles_with
from casetrack.accounts.queries import units_to_filter_by
from casetrack.accounts.services import all_units
from casetrack.cases import rules as case_rules
from casetrack.cases.models import Case
from casetrack.cases.queries import get_visible_case, scoped
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.workbook import write_workbook
from casetrack.mediation import queries, rules, services
from casetrack.mediation.forms import CloseForm, ConcludeCaseForm, MediationForm, SessionForm
from casetrack.params import parse_id
from casetrack.replica import reads_replica
from casetrack.stats import queries as figures
from casetrack.stats.rules import rate_pct
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import (
    label,
    parse_int_arg,
    parse_year_arg,
    permission_required,
    posted_form,
    read_date_filters,
    xlsx_download,
)

bp = Blueprint("mediation", __name__, url_prefix="/mediations")


def _filters() -> queries.MediationFilters:
    args = request.args
    filters = queries.MediationFilters(
        q=args.get("q", "").strip()[:100],
        status=args.get("status", "") if args.get("status") in rules.STATUSES else "",
        source=args.get("source", "") if args.get("source") in rules.SOURCES else "",
        idle=args.get("idle") == "1",
        page=parse_int_arg("page", 1, maximum=100_000),
        per_page=parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )
    for name in ("unit_id", "mediator_id"):
        raw = args.get(name, "")
        setattr(filters, name, parse_id(raw))
    read_date_filters(filters)
    return filters


def _mediators():
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(roles_with("mediate")), User.active.is_(True)).order_by(User.display_name)
        )
    )


@bp.route("/")
@login_required
def index():
    filters = _filters()
    for problem in filters.problems:
        flash(problem, "error")
    today = local_today()
    page = queries.page_of_mediations(current_user, filters, today)
    years = figures.years_with_data(today)
    year = parse_year_arg(years)
    month = parse_int_arg("month", 0, minimum=0, maximum=12)
    period = figures.Period.month(year, month) if month else figures.Period.year(year)
    unit_id = None if can(current_user, "see_all_units") else current_user.unit_id
    counts = figures.mediation_counts(period, unit_id=unit_id)
    return render_template(
        "mediation/list.html",
        month=month,
        page=page,
        filters=filters,
        today=today,
        year=year,
        years=years,
        counts=counts,
        success_rate=rate_pct(counts["mediation_succeeded"], counts["mediation_concluded"]),
        units=units_to_filter_by(current_user),
        mediators=_mediators(),
        export_args=filters.as_query_args(),
    )


@bp.route("/export.xlsx")
@login_required
@reads_replica
def export():
    filters = _filters()
    rows_iter = queries.iter_mediations(
        current_user, filters, local_today(), current_app.config["CASETRACK_EXPORT_MAX_ROWS"]
    )
    from casetrack.mediation.ledger import COLUMNS, mediation_row

    def rows():
        for mediation in rows_iter:
            yield [
                *mediation_row(mediation),
                mediation.mediator.label if mediation.mediator else "",
                mediation.last_activity_on,
            ]

    headers = [c.title for c in COLUMNS] + ["调解员", "最近活动日期"]
    return xlsx_download(lambda file: write_workbook(file, [("调解", headers, rows())]), "mediations")


@bp.route("/mine")
@permission_required("write_mediation")
def mine():
    return render_template("mediation/mine.html", mediations=queries.work_list(current_user.id), today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@permission_required("write_mediation")
def new():
    form = MediationForm()
    form.respondent_unit_id.choices = [(0, "—")] + [(u.id, u.name) for u in all_units(active_only=True)]
    form.mediator_id.choices = [(0, "—")] + [(u.id, u.label) for u in _mediators()]
    linked = None
    case_id = parse_id(request.args.get("case_id"))
    if case_id:
        linked = get_visible_case(current_user, case_id)
    if request.method == "GET":
        form.received_on.data = local_today()
        form.mediator_id.data = current_user.id if services.mediates_by_default(current_user) else 0
        if linked is not None:
            form.case_number.data = linked.number
            form.respondent_unit_id.data = linked.respondent_unit_id
            form.source.data = rules.source_for_case_kind(linked.kind)
            form.parties.data = "、".join(a.name for a in linked.applicants)
    if form.validate_on_submit():
        case = None
        if form.case_number.data:
            matches = list(
                db.session.scalars(
                    scoped(
                        select(Case).where(Case.number_key == case_rules.number_key(form.case_number.data)),
                        current_user,
                    )
                )
            )
            if len(matches) != 1:
                flash(gettext("No case has the number %(number)s.", number=form.case_number.data), "error")
                return render_template("mediation/form.html", form=form), 400
            case = matches[0]
        done, mediation = attempted(
            lambda: services.register_mediation(
                {
                    "number": form.number.data,
                    "case": case,
                    "respondent_unit_id": form.respondent_unit_id.data or None,
                    "source": form.source.data,
                    "mediator_id": form.mediator_id.data or None,
                    "parties": form.parties.data,
                    "subject": form.subject.data,
                    "received_on": form.received_on.data,
                },
                current_user,
                local_today(),
            )
        )
        if not done:
            return render_template("mediation/form.html", form=form), 400
        flash(gettext("Mediation %(number)s registered.", number=mediation.number), "info")
        return redirect(url_for("mediation.show", mediation_id=mediation.id))
    return render_template("mediation/form.html", form=form), 400 if form.errors else 200


@bp.route("/<int:mediation_id>")
@login_required
def show(mediation_id: int):
    mediation = queries.get_visible_mediation(current_user, mediation_id)
    today = local_today()
    close_form = CloseForm(version=mediation.version)
    close_form.concluded_on.data = today
    conclude_form = ConcludeCaseForm()
    if mediation.case is not None:
        conclude_form.outcome.choices = [
            (code, label(case_rules.OUTCOMES_BY_KIND[mediation.case.kind], code))
            for code in rules.CASE_OUTCOMES_AFTER_SUCCESS[mediation.case.kind]
        ]
    session_form = SessionForm()
    session_form.held_on.data = today
    from casetrack.audit.services import history

    return render_template(
        "mediation/detail.html",
        mediation=mediation,
        session_form=session_form,
        close_form=close_form,
        conclude_form=conclude_form,
        can_write=can(current_user, "write_mediation"),
        today=today,
        idle=rules.is_idle(mediation.status, mediation.last_activity_on, today),
        offer_conclusion=can(current_user, "conclude_case") and services.can_conclude_linked_case(mediation),
        history=history("mediation", mediation.id),
    )


def _show_url(mediation_id: int) -> str:
    return url_for("mediation.show", mediation_id=mediation_id)


@bp.route("/<int:mediation_id>/sessions", methods=["POST"])
@permission_required("write_mediation")
def add_session(mediation_id: int):
    mediation = queries.get_visible_mediation(current_user, mediation_id)
    form = posted_form(SessionForm, gettext("Give the session date and what happened."), _show_url(mediation_id))
    attempt(
        lambda: services.add_session(
            mediation,
            current_user,
            local_today(),
            held_on=form.held_on.data,
            participants=form.participants.data or "",
            notes=form.notes.data,
        ),
        gettext("Session recorded."),
    )
    return redirect(_show_url(mediation_id))


@bp.route("/<int:mediation_id>/close", methods=["POST"])
@permission_required("write_mediation")
def close(mediation_id: int):
    mediation = queries.get_visible_mediation(current_user, mediation_id)
    form = posted_form(CloseForm, gettext("Choose how the mediation ended and give the date."), _show_url(mediation_id))
    closed = attempt(
        lambda: services.close_mediation(
            mediation,
            current_user,
            local_today(),
            result=form.result.data,
            concluded_on=form.concluded_on.data,
            agreement=form.agreement.data or "",
            expected_version=form.version.data,
        )
    )
    if closed:
        flash(gettext("Mediation closed: %(result)s.", result=label(rules.STATUSES, mediation.status)), "info")
    return redirect(_show_url(mediation_id))


@bp.route("/<int:mediation_id>/conclude-case", methods=["POST"])
@permission_required("write_mediation")
def conclude_case(mediation_id: int):
    mediation = queries.get_visible_mediation(current_user, mediation_id)
    form = ConcludeCaseForm()
    form.validate_on_submit() or abort(400)
    done, case = attempted(
        lambda: services.conclude_linked_case(mediation, current_user, local_today(), outcome=form.outcome.data)
    )
    if not done:
        return redirect(_show_url(mediation_id))
    flash(gettext("Case %(number)s concluded.", number=case.number), "info")
    return redirect(url_for("cases.show_case", case_id=case.id))
