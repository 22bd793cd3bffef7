from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from casetrack.accounts.services import all_units
from casetrack.cases.models import Case
from casetrack.cases.queries import of_unit
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.interviews import services
from casetrack.interviews.forms import DecisionForm, InterviewForm, RectifiedForm
from casetrack.interviews.models import Interview
from casetrack.params import parse_id
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import permission_required

bp = Blueprint("interviews", __name__, url_prefix="/interviews")


@bp.route("/")
@permission_required("read_interviews")
def index():
    return render_template(
        "interviews/list.html",
        interviews=services.interviews(),
        proposals=services.proposals(local_today(), with_declined=True),
        decision_form=DecisionForm(),
    )


@bp.route("/proposals/<int:unit_id>/decision", methods=["POST"])
@permission_required("decide_interview")
def decide(unit_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(gettext("The decision could not be read: open the proposals again and decide once more."), "error")
    else:
        done, made = attempted(
            lambda: services.decide(
                current_user, unit_id, form.since.data, form.decision.data, form.reason.data, local_today()
            )
        )
        if done:
            flash(
                gettext("Interview agreed: the legal bureau will schedule it.")
                if made.decision == "agreed"
                else gettext("No interview for now; the unit is proposed again if another case is lost."),
                "info",
            )
    return redirect(url_for("interviews.index") + "#proposals")


@bp.route("/new", methods=["GET", "POST"])
@permission_required("record_interview")
def new():
    form = InterviewForm()
    form.unit_id.choices = [(unit.id, unit.name) for unit in all_units(active_only=True)]
    unit_id = parse_id(request.args.get("unit_id")) or form.unit_id.data
    if request.method == "GET":
        form.held_on.data = local_today()
        form.unit_id.data = unit_id
        form.reason.data = request.args.get("reason", "loss")
    cases = list(
        db.session.scalars(select(Case).where(of_unit(unit_id or 0)).order_by(Case.received_on.desc()).limit(200))
    )
    form.case_ids.choices = [(case.id, case.number) for case in cases]
    if form.validate_on_submit():
        done, interview = attempted(
            lambda: services.record_interview({**{f.name: f.data for f in form}}, current_user, local_today())
        )
        if done:
            flash(gettext("Interview recorded."), "info")
            return redirect(url_for("interviews.show", interview_id=interview.id))
    return render_template("interviews/form.html", form=form), 400 if form.errors else 200


@bp.route("/<int:interview_id>", methods=["GET", "POST"])
@permission_required("read_interviews")
def show(interview_id: int):
    interview = db.session.get(Interview, interview_id) or abort(404)
    form = RectifiedForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(gettext("Give the date the rectification was completed."), "error")
        else:
            attempt(
                lambda: services.mark_rectified(interview, current_user, form.rectified_on.data, local_today()),
                gettext("Rectification recorded."),
            )
        return redirect(url_for("interviews.show", interview_id=interview_id))
    form.rectified_on.data = local_today()
    return render_template("interviews/detail.html", interview=interview, form=form)
