from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.accounts.permissions import can, roles_with
from casetrack.accounts.queries import units_to_filter_by
from casetrack.accounts.services import all_units
from casetrack.cases.queries import get_visible_case
from casetrack.cases.rules import MATTERS
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.workbook import write_workbook
from casetrack.params import parse_id
from casetrack.rectification import queries, rules, services
from casetrack.rectification.forms import AddReasonForm, DoneForm, PlanForm, ReasonActiveForm, ReasonsForm
from casetrack.rectification.models import AdverseReason
from casetrack.replica import reads_replica
from casetrack.stats.queries import Period
from casetrack.suggestions.queries import suggestions_of_case
from casetrack.unit_of_work import attempt
from casetrack.web import label, parse_date_arg, parse_int_arg, permission_required, posted_form, xlsx_download

bp = Blueprint("rectification", __name__, url_prefix="/rectification")
admin_bp = Blueprint("adverse_reasons", __name__, url_prefix="/admin/adverse-reasons")


def _item_filters() -> queries.ItemFilters:
    state = request.args.get("state", "open")
    return queries.ItemFilters(
        state=state if state in rules.STATES else "",
        unit_id=parse_id(request.args.get("unit_id", "")),
        overdue=request.args.get("overdue") == "1",
        page=parse_int_arg("page", 1, maximum=100_000),
        per_page=parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )


@bp.route("/")
@permission_required("read_suggestions")
def index():
    filters, today = _item_filters(), local_today()
    return render_template(
        "rectification/list.html",
        page=queries.page_of_items(current_user, filters, today),
        filters=filters,
        today=today,
        units=units_to_filter_by(current_user),
        export_args=filters.as_query_args(),
    )


@bp.route("/export.xlsx")
@permission_required("read_suggestions")
@reads_replica
def export():
    filters, today = _item_filters(), local_today()
    stmt = queries.filtered(current_user, filters, today).limit(current_app.config["CASETRACK_EXPORT_MAX_ROWS"])

    def rows():
        for item in db.session.scalars(stmt):
            yield [
                item.case.number,
                item.unit.name,
                label(rules.ACTIONS, item.action),
                item.description,
                item.due_on,
                item.owner.label if item.owner else "",
                item.done_on,
                item.evidence,
                label(rules.STATES, item.state),
            ]

    headers = ["案号", "单位", "整改事项", "整改内容", "期限", "责任人", "完成日期", "完成证据", "状态"]
    return xlsx_download(lambda file: write_workbook(file, [("整改", headers, rows())]), "rectification")


def _owners(unit_id: int) -> list[User]:
    people = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(roles_with("work_rectification"))).order_by(User.id)
    )
    return [person for person in people if can(person, "work_rectification", unit_id)]


@bp.route("/<int:rectification_id>")
@permission_required("read_suggestions")
def show(rectification_id: int):
    from casetrack.audit.services import history

    item = queries.get_visible_item(current_user, rectification_id)
    plan = PlanForm(formdata=None, obj=item)
    plan.owner_id.choices = [("", "—")] + [(person.id, person.label) for person in _owners(item.unit_id)]
    plan.version.data = item.version
    done = DoneForm(formdata=None)
    done.done_on.data, done.version.data = local_today(), item.version
    return render_template(
        "rectification/detail.html",
        item=item,
        plan=plan,
        done=done,
        today=local_today(),
        may_work=can(current_user, "work_rectification", item.unit_id),
        history=history("rectification_item", item.id),
    )


@bp.route("/<int:rectification_id>/plan", methods=["POST"])
@permission_required("work_rectification")
def plan(rectification_id: int):
    item = queries.get_visible_item(current_user, rectification_id)
    back = url_for("rectification.show", rectification_id=rectification_id)
    form = posted_form(PlanForm, gettext("Check the dates and the text."), back)
    attempt(
        lambda: services.plan_item(
            item,
            current_user,
            local_today(),
            form.version.data,
            description=form.description.data or "",
            owner_id=form.owner_id.data,
            due_on=form.due_on.data,
        ),
        gettext("Rectification item saved."),
    )
    return redirect(back)


@bp.route("/<int:rectification_id>/done", methods=["POST"])
@permission_required("work_rectification")
def done(rectification_id: int):
    item = queries.get_visible_item(current_user, rectification_id)
    back = url_for("rectification.show", rectification_id=rectification_id)
    form = posted_form(DoneForm, gettext("Give the date it was done and its evidence."), back)
    attempt(
        lambda: services.complete_item(
            item, current_user, local_today(), form.version.data, done_on=form.done_on.data, evidence=form.evidence.data
        ),
        gettext("Rectification recorded as done."),
    )
    return redirect(back)


@bp.route("/cases/<int:case_id>/reasons", methods=["POST"])
@permission_required("code_adverse_reasons")
def code_reasons(case_id: int):
    case = get_visible_case(current_user, case_id)
    back = url_for("cases.show_case", case_id=case_id) + "#rectification"
    form = posted_form(ReasonsForm, gettext("Choose reasons from the list."), back)
    attempt(
        lambda: services.code_reasons(case, current_user, form.reason_ids.data or [], form.other_words.data or ""),
        gettext("Reasons recorded for case %(number)s.", number=case.number),
    )
    return redirect(back)


@dataclass
class CaseLoop:
    adverse: bool
    items: list
    coded: list
    reasons: list
    form: ReasonsForm
    suggestions: list


@bp.app_template_global()
def case_loop(case) -> CaseLoop:
    """What a case's page shows of what followed its outcome (templates/rectification/_case.html)."""
    form = ReasonsForm(formdata=None)
    coded = services.coded_reasons(case.id)
    form.reason_ids.data = [c.reason_id for c in coded]
    form.other_words.data = next((c.words for c in coded if c.words), "")
    return CaseLoop(
        adverse=rules.is_adverse(case.kind, case.outcome) and case.status == "concluded",
        items=services.items_of_case(case.id),
        coded=coded,
        reasons=services.reasons(),
        form=form,
        suggestions=suggestions_of_case(case.id),
    )


# --- 类案分析 -------------------------------------------------------------------------------------------------


def _period() -> tuple[Period, list[str]]:
    today = local_today()
    start, problem_start = parse_date_arg("from")
    end, problem_end = parse_date_arg("to")
    problems = [p for p in (problem_start, problem_end) if p]
    start, end = start or date(today.year, 1, 1), end or today
    if end < start:
        problems.append(gettext("The end of the period is before its start."))
        start, end = date(today.year, 1, 1), today
    return Period(start, end), problems


@bp.route("/class-cases")
@permission_required("read_class_cases")
def class_cases():
    period, problems = _period()
    for problem in problems:
        flash(problem, "error")
    unit_id = parse_id(request.args.get("unit_id", ""))
    rows = queries.class_case_rows(period, unit_id)
    by_reason: dict[str, int] = {}
    for row in rows:
        by_reason[row.reason] = by_reason.get(row.reason, 0) + row.cases
    return render_template(
        "rectification/class_cases.html",
        period=period,
        rows=rows,
        unit_id=unit_id,
        units=all_units(),
        uncoded=queries.uncoded_count(period),
        chart={"reasons": list(by_reason), "counts": list(by_reason.values())},
        matters=MATTERS,
    )


@bp.route("/class-cases/export.xlsx")
@permission_required("read_class_cases")
@reads_replica
def class_cases_export():
    period, _ = _period()
    rows = queries.class_case_rows(period, parse_id(request.args.get("unit_id", "")))
    headers = ["单位", "案由类别", "原因", "案件数"]
    data = ([row.unit, label(MATTERS, row.matter), row.reason, row.cases] for row in rows)
    return xlsx_download(lambda file: write_workbook(file, [("类案分析", headers, data)]), "class-cases")


@bp.route("/class-cases/cases")
@permission_required("read_class_cases")
def class_case_list():
    period, _ = _period()
    matter = request.args.get("matter", "")
    return render_template(
        "rectification/class_case_list.html",
        period=period,
        cases=queries.class_cases(
            period,
            unit_id=parse_id(request.args.get("unit_id", "")),
            matter=matter if matter in MATTERS else "",
            reason_id=parse_id(request.args.get("reason_id", "")),
            uncoded=request.args.get("uncoded") == "1",
        ),
    )


# --- the list of reasons ------------------------------------------------------------------------------------


@admin_bp.route("/", methods=["GET", "POST"], endpoint="index")
@permission_required("code_adverse_reasons")
def reasons_index():
    form = AddReasonForm()
    if form.validate_on_submit():
        if attempt(lambda: services.add_reason(current_user, form.label.data), gettext("Reason added.")):
            return redirect(url_for("adverse_reasons.index"))
    return render_template(
        "rectification/reasons.html", form=form, reasons=services.reasons(active_only=False), toggle=ReasonActiveForm()
    ), 400 if form.errors else 200


@admin_bp.route("/<int:reason_id>", methods=["POST"])
@permission_required("code_adverse_reasons")
def set_active(reason_id: int):
    reason = db.session.get(AdverseReason, reason_id) or abort(404)
    form = posted_form(ReasonActiveForm, gettext("Choose reasons from the list."), url_for("adverse_reasons.index"))
    attempt(lambda: services.set_reason_active(current_user, reason, bool(form.active.data)), gettext("Saved."))
    return redirect(url_for("adverse_reasons.index"))
