from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from casetrack.broker import enqueue
from casetrack.cases.tasks import refresh_deadlines
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.unit_of_work import after_commit, attempt
from casetrack.web import permission_required
from casetrack.workdays import services
from casetrack.workdays.forms import DeleteOverrideForm, OverrideForm
from casetrack.workdays.models import HolidayOverride

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")


def _after_change() -> None:
    # Deadlines of open cases may have moved; recompute them in the background (inline when the broker is down).
    after_commit(lambda: enqueue(refresh_deadlines))


@bp.route("/", methods=["GET", "POST"])
@permission_required("administer")
def overrides():
    form = OverrideForm()
    if form.validate_on_submit() and attempt(
        lambda: services.set_override(form.day.data, form.is_workday.data == "1", form.note.data, current_user)
    ):
        _after_change()
        flash(gettext("Calendar saved; open cases' deadlines are being recomputed."), "info")
        return redirect(url_for("workdays.overrides"))
    rows = list(db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day.desc())))
    return render_template(
        "workdays/overrides.html",
        form=form,
        rows=rows,
        delete_form=DeleteOverrideForm(),
        missing_years=services.years_needing_schedule(local_today()),
    )


@bp.route("/delete", methods=["POST"])
@permission_required("administer")
def delete():
    form = DeleteOverrideForm()
    if form.validate_on_submit() and attempt(lambda: services.delete_override(form.day.data, current_user)):
        _after_change()
        flash(gettext("Override removed."), "info")
    return redirect(url_for("workdays.overrides"))
