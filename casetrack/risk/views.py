from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.accounts.permissions import roles_with
from casetrack.accounts.queries import units_to_filter_by
from casetrack.cases.queries import get_visible_case
from casetrack.clock import local_today
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.i18n import translate
from casetrack.ledger.workbook import write_workbook
from casetrack.params import parse_id
from casetrack.replica import reads_replica
from casetrack.risk import queries, rules, services
from casetrack.risk.forms import CommentForm, CompleteItemForm, ConfirmRiskForm, FlagForm, ItemForm, SettingsForm
from casetrack.risk.models import ActionItem
from casetrack.unit_of_work import attempt, savepoint
from casetrack.web import label, parse_int_arg, permission_required, posted_form, xlsx_download

bp = Blueprint("risk", __name__, url_prefix="/risk")


def _filters(ledger: bool) -> queries.RiskFilters:
    unit_raw = request.args.get("unit_id", "")
    return queries.RiskFilters(
        unit_id=parse_id(unit_raw),
        state=request.args.get("state", "") if request.args.get("state") in rules.STATES else "",
        overdue=request.args.get("overdue") == "1",
        ledger=ledger,
        page=parse_int_arg("page", 1, maximum=100_000),
        per_page=parse_int_arg("per_page", current_app.config["CASETRACK_PER_PAGE"], maximum=200),
    )


def _listing(template: str, ledger: bool):
    filters = _filters(ledger)
    page = queries.page_of_risk_cases(current_user, filters, local_today())
    units = units_to_filter_by(current_user)
    return render_template(template, page=page, filters=filters, units=units, ledger=ledger)


@bp.route("/")
@login_required
def queue():
    return _listing("risk/queue.html", ledger=False)


@bp.route("/ledger")
@login_required
def ledger():
    return _listing("risk/queue.html", ledger=True)


@bp.route("/ledger.xlsx")
@login_required
@reads_replica
def export_ledger():
    filters = _filters(ledger=True)
    headers = [
        "案号",
        "被申请人/被告",
        "风险分",
        "状态",
        "进入日期",
        "法制专班牵头人",
        "单位专班牵头人",
        "措施数",
        "已完成措施",
        "销号结果",
        "销号日期",
        "不予纳入理由",
    ]

    def rows():
        for risk_case, score, _overdue in queries.iter_ledger(current_user, filters, local_today()):
            leads = {m.side: m.user.label for m in risk_case.members if m.is_lead}
            yield [
                risk_case.case.number,
                risk_case.case.respondent_unit.name,
                score,
                gettext(rules.STATES[risk_case.state]),
                risk_case.entered_on,
                leads.get("legal", ""),
                leads.get("unit", ""),
                len(risk_case.items),
                sum(1 for i in risk_case.items if i.done_on),
                label(rules.RESOLUTIONS, risk_case.resolution),
                risk_case.crossed_off_on,
                risk_case.dismissed_reason or "",
            ]

    return xlsx_download(lambda file: write_workbook(file, [("风险案件台账", headers, rows())]), "risk-ledger")


def _people(role_filter, unit_id=None):
    stmt = select(User).where(User.active.is_(True), role_filter)
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    return [(0, "—")] + [(u.id, u.label) for u in db.session.scalars(stmt.order_by(User.display_name))]


@bp.route("/<int:risk_case_id>")
@login_required
def show(risk_case_id: int):
    risk_case = queries.get_visible_risk_case(current_user, risk_case_id)
    today = local_today()
    unit_id = risk_case.case.respondent_unit_id
    confirm_form = ConfirmRiskForm(version=risk_case.version)
    confirm_form.legal_lead_id.choices = _people(User.role.in_(roles_with("legal_task_force")))
    confirm_form.legal_member_ids.choices = confirm_form.legal_lead_id.choices[1:]
    confirm_form.unit_lead_id.choices = _people(User.role.in_(roles_with("unit_task_force")), unit_id)
    confirm_form.unit_member_ids.choices = confirm_form.unit_lead_id.choices[1:]
    item_form = ItemForm()
    item_form.owner_id.choices = [
        (m.user_id, f"{m.user.label} · {gettext(rules.SIDES[m.side])}") for m in risk_case.members
    ]
    complete_form = CompleteItemForm()
    complete_form.done_on.data = today
    score = queries.score_of(risk_case.case_id)
    from casetrack.audit.services import history

    return render_template(
        "risk/detail.html",
        risk_case=risk_case,
        score=score,
        flags=queries.flags_of(risk_case.case_id),
        today=today,
        actions=rules.allowed_actions(risk_case.state, current_user, risk_case.case.respondent_unit_id),
        confirm_form=confirm_form,
        comment_form=CommentForm(version=risk_case.version),
        item_form=item_form,
        complete_form=complete_form,
        history=history("risk_case", risk_case.id),
        can_complete=lambda item: services.may_complete(current_user, risk_case, item.side),
    )


def _user(user_id: int | None) -> User | None:
    """The user a form names (forms read ids with params.parse_id: None is no id); None for no such user."""
    return db.session.get(User, user_id) if user_id else None


def _act(risk_case, done: str, work, **params):
    """Run a step of the workflow; once it is done, say which (risk.rules.DONE) and on which case."""
    attempt(work, translate(rules.DONE[done], {"number": risk_case.case.number, **params}))
    return redirect(url_for("risk.show", risk_case_id=risk_case.id))


@bp.route("/<int:risk_case_id>/<action>", methods=["POST"])
@login_required
def transition(risk_case_id: int, action: str):
    risk_case = queries.get_visible_risk_case(current_user, risk_case_id)
    if action not in rules.ACTIONS:
        abort(404)
    if action == "confirm":
        form = ConfirmRiskForm()
        form.validate_on_submit() or abort(400)

        return _act(
            risk_case,
            "confirm",
            lambda: services.confirm(
                risk_case,
                current_user,
                legal_lead=_user(form.legal_lead_id.data),
                unit_lead=_user(form.unit_lead_id.data),
                legal_members=[_user(i) for i in form.legal_member_ids.data or []],
                unit_members=[_user(i) for i in form.unit_member_ids.data or []],
                expected_version=form.version.data,
            ),
        )
    form = CommentForm()
    form.validate_on_submit() or abort(400)
    comment, version = form.comment.data or "", form.version.data
    steps = {
        "dismiss": lambda: services.dismiss(risk_case, current_user, comment, version),
        "reopen": lambda: services.reopen(risk_case, current_user, comment, version),
        "request_cross_off": lambda: services.request_cross_off(
            risk_case, current_user, form.resolution.data or None, version
        ),
        "approve": lambda: services.approve(risk_case, current_user, local_today(), version),
        "send_back": lambda: services.send_back(risk_case, current_user, comment, version),
    }
    return _act(risk_case, action, steps[action])


@bp.route("/<int:risk_case_id>/items", methods=["POST"])
@login_required
def add_item(risk_case_id: int):
    risk_case = queries.get_visible_risk_case(current_user, risk_case_id)
    form = posted_form(
        ItemForm,
        gettext("Describe the measure and give its due date."),
        url_for("risk.show", risk_case_id=risk_case_id),
    )
    return _act(
        risk_case,
        "item_added",
        lambda: services.add_item(
            risk_case,
            current_user,
            text=form.text.data,
            side=form.side.data,
            owner=_user(form.owner_id.data),
            due_on=form.due_on.data,
            today=local_today(),
            done_on=form.done_on.data,
            evidence=form.done_evidence.data or "",
        ),
        due=form.due_on.data.isoformat() if form.due_on.data else "",
    )


@bp.route("/items/<int:item_id>/done", methods=["POST"])
@login_required
def complete_item(item_id: int):
    item = db.session.get(ActionItem, item_id) or abort(404)
    queries.get_visible_risk_case(current_user, item.risk_case_id)
    form = posted_form(
        CompleteItemForm,
        gettext("Give the date it was done and the evidence."),
        url_for("risk.show", risk_case_id=item.risk_case_id),
    )
    return _act(
        item.risk_case,
        "item_done",
        lambda: services.complete_item(
            item, current_user, done_on=form.done_on.data, evidence=form.evidence.data, today=local_today()
        ),
    )


@bp.route("/flag/<int:case_id>", methods=["POST"])
@login_required
def flag(case_id: int):
    case = get_visible_case(current_user, case_id)
    back = url_for("cases.show_case", case_id=case_id)
    form = posted_form(FlagForm, gettext("Give a reason; it is kept in the case history."), back)
    attempt(
        lambda: services.flag_case(case, form.flag.data, form.reason.data, current_user, local_today()),
        translate(rules.DONE["flagged"], {"number": case.number, "flag": rules.FLAGS.get(form.flag.data, "")}),
    )
    return redirect(back)


@bp.route("/settings", methods=["GET", "POST"])
@permission_required("manage_risk")
def settings():
    current = services.current_settings()
    form = SettingsForm(threshold=current.threshold)
    if form.validate_on_submit():
        weights = {}
        try:
            for key in rules.DEFAULT_WEIGHTS:
                weights[key] = int(request.form.get(f"weight-{key}", current.weights.get(key, 0)))
        except ValueError:
            flash(gettext("Each weight is a whole number from 0 to 100."), "error")
            return redirect(url_for("risk.settings"))
        try:
            with savepoint():
                saved = services.save_settings(weights, form.threshold.data, current_user)
                result = services.rescore(local_today())
        except DomainError as error:
            flash(error.translated(), "error")
        else:
            flash(
                gettext(
                    "Settings version %(version)s saved; %(entered)s cases entered the queue.",
                    version=saved.id,
                    entered=result["entered_queue"],
                ),
                "info",
            )
        return redirect(url_for("risk.settings"))
    return render_template("risk/settings.html", form=form, settings=current, rule_keys=list(rules.DEFAULT_WEIGHTS))
