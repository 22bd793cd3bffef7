from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from casetrack.accounts.permissions import can
from casetrack.accounts.queries import units_to_filter_by
from casetrack.accounts.services import all_units
from casetrack.cases.models import Case
from casetrack.cases.queries import scoped as scoped_cases
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.ledger.workbook import write_workbook
from casetrack.params import parse_id
from casetrack.replica import reads_replica
from casetrack.stats import queries as figures
from casetrack.suggestions import queries, rules, services
from casetrack.suggestions.forms import ActionForm, SuggestionForm
from casetrack.suggestions.ledger import COLUMNS, row_of
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import parse_int_arg, permission_required, posted_form, words, xlsx_download

bp = Blueprint("suggestions", __name__, url_prefix="/suggestions")


def _filters() -> queries.SuggestionFilters:
    args = request.args
    years = figures.years_with_data(local_today())
    year = parse_int_arg("received_in", 0, minimum=0, maximum=9999)
    return queries.SuggestionFilters(
        q=args.get("q", "").strip()[:100],
        kind=args.get("kind", "") if args.get("kind") in rules.TYPES else "",
        state=args.get("state", "") if args.get("state") in rules.STATES else "",
        unit_id=parse_id(args.get("unit_id", "")),
        year=year if year in years else None,
        overdue=args.get("overdue") == "1",
        page=parse_int_arg("page", 1, maximum=100_000),
        per_page=parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )


@bp.route("/")
@permission_required("read_suggestions")
def index():
    filters, today = _filters(), local_today()
    return render_template(
        "suggestions/list.html",
        page=queries.page_of_suggestions(current_user, filters, today),
        filters=filters,
        today=today,
        years=figures.years_with_data(today),
        units=units_to_filter_by(current_user),
        export_args=filters.as_query_args(),
    )


@bp.route("/export.xlsx")
@permission_required("read_suggestions")
@reads_replica
def export():
    """What the list shows, in the ledger's 建议 columns (so it reads back in) and the register's own beside them."""
    filters, today = _filters(), local_today()
    found = queries.iter_suggestions(current_user, filters, today, current_app.config["CASETRACK_EXPORT_MAX_ROWS"])

    def rows():
        for suggestion in found:
            yield [
                *row_of(suggestion),
                suggestion.reply_due_on,
                words(rules.STATES[suggestion.state]),
                suggestion.measures,
                suggestion.rectification_evidence,
            ]

    headers = [c.title for c in COLUMNS] + ["回复期限", "状态", "整改措施", "整改证据"]
    return xlsx_download(lambda file: write_workbook(file, [("建议", headers, rows())]), "suggestions")


def _form_choices(form: SuggestionForm) -> None:
    units = all_units(active_only=True)
    if not can(current_user, "see_all_units"):
        units = [unit for unit in units if unit.id == current_user.unit_id]
    form.unit_ids.choices = [(unit.id, unit.name) for unit in units]
    chosen_units = [unit_id for unit_id in (form.unit_ids.data or []) if unit_id]
    cases = []
    if chosen_units:
        cases = list(
            db.session.scalars(
                scoped_cases(select(Case), current_user)
                .where(Case.respondent_unit_id.in_(chosen_units))
                .order_by(Case.received_on.desc())
                .limit(300)
            )
        )
    form.case_ids.choices = [(case.id, case.number) for case in cases]
    hearings = (
        list(db.session.scalars(select(Hearing).where(Hearing.case_id.in_([c.id for c in cases])).limit(300)))
        if cases
        else []
    )
    form.hearing_id.choices = [("", "—")] + [(h.id, f"{h.case.number} {h.held_on}") for h in hearings]


@bp.route("/new", methods=["GET", "POST"])
@permission_required("register_suggestions")
def new():
    form = SuggestionForm()
    if request.method == "GET":
        form.received_on.data = local_today()
        form.kind.data = request.args.get("kind") if request.args.get("kind") in rules.TYPES else "procuratorate"
        unit_id = parse_id(request.args.get("unit_id", ""))
        form.unit_ids.data = [unit_id] if unit_id else ([current_user.unit_id] if current_user.unit_id else [])
    _form_choices(form)
    if request.method == "POST" and request.form.get("refresh") and form.unit_ids.data is not None:
        # "Show the units' cases": the form comes back with the cases of the units chosen, nothing saved.
        return render_template("suggestions/form.html", form=form, periods=services.reply_periods())
    if form.validate_on_submit():
        done, suggestion = attempted(
            lambda: services.register_suggestion({f.name: f.data for f in form}, current_user, local_today())
        )
        if done:
            flash(gettext("Suggestion registered; its reply is due on %(due)s.", due=suggestion.reply_due_on), "info")
            return redirect(url_for("suggestions.show", suggestion_id=suggestion.id))
    # A form refused, by its fields or by the service, answers 400 with the reasons on it.
    return (
        render_template("suggestions/form.html", form=form, periods=services.reply_periods()),
        400 if request.method == "POST" else 200,
    )


@bp.route("/<int:suggestion_id>")
@permission_required("read_suggestions")
def show(suggestion_id: int):
    from casetrack.audit.services import history

    suggestion = queries.get_visible_suggestion(current_user, suggestion_id)
    form = ActionForm()
    form.version.data = suggestion.version
    form.on.data = local_today()
    return render_template(
        "suggestions/detail.html",
        suggestion=suggestion,
        form=form,
        actions=services.allowed_actions(current_user, suggestion),
        today=local_today(),
        history=history("suggestion", suggestion.id),
    )


@bp.route("/<int:suggestion_id>/act", methods=["POST"])
@login_required
def act(suggestion_id: int):
    suggestion = queries.get_visible_suggestion(current_user, suggestion_id)
    back = url_for("suggestions.show", suggestion_id=suggestion_id)
    form = posted_form(ActionForm, gettext("Check the date and the text."), back)
    action = form.action.data if form.action.data in rules.ACTIONS else ""
    attempt(
        lambda: services.act(
            suggestion,
            action,
            current_user,
            local_today(),
            form.version.data,
            on=form.on.data,
            text=form.text.data or "",
            comment=form.comment.data or "",
        ),
        gettext(rules.DONE.get(action, rules.DONE["start"]), number=suggestion.number),
    )
    return redirect(back)
