"""The holiday calendar's pages: single days, a year's schedule (entered, previewed, confirmed), and completing
or reopening a year. Every change answers with the open cases whose next deadline it moves."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from casetrack.accounts.forms import ConfirmForm
from casetrack.broker import enqueue
from casetrack.cases.tasks import refresh_deadlines
from casetrack.clock import local_today
from casetrack.errors import DomainError
from casetrack.unit_of_work import after_commit, attempted, savepoint
from casetrack.web import parse_int_arg, permission_required
from casetrack.workdays import rules, services
from casetrack.workdays.forms import (
    CompleteYearForm,
    ConfirmScheduleForm,
    DeleteOverrideForm,
    OverrideForm,
    ScheduleForm,
)

bp = Blueprint("workdays", __name__, url_prefix="/admin/calendar")


def _changed(change: services.CalendarChange, what: str):
    """The answer to a change: what it did and the cases it moves. The recompute is queued once the change is
    committed (a worker could otherwise read the calendar before it), in the background when a broker is there."""
    if change.changes_anything:
        after_commit(lambda: enqueue(refresh_deadlines))
    return render_template("workdays/changed.html", change=change, what=what, labels=rules.CHANGE_LABELS)


def _calendar_page(form: OverrideForm, overwrite: services.OverwriteNeeded | None = None, status: int = 200):
    today = local_today()
    page = render_template(
        "workdays/overrides.html",
        form=form,
        overwrite=overwrite,
        years=services.year_states(today),
        rows=services.all_overrides(),
        delete_form=DeleteOverrideForm(),
        complete_form=CompleteYearForm(),
        reopen_form=ConfirmForm(),
        missing_years=services.years_needing_schedule(today),
    )
    return page, status


@bp.route("/", methods=["GET", "POST"])
@permission_required("administer")
def overrides():
    form = OverrideForm()
    if not form.validate_on_submit():
        return _calendar_page(form)
    day, is_workday, note = form.day.data, form.is_workday.data == "1", form.note.data
    try:
        with savepoint():
            change = services.set_override(day, is_workday, note, current_user, overwrite=form.overwrite.data == "1")
    except services.OverwriteNeeded as refusal:
        return _calendar_page(form, refusal, 409)
    except DomainError as error:
        flash(error.translated(), "error")
        return _calendar_page(form, status=400)
    if not change.written:
        flash(gettext("%(day)s is already entered so; nothing was changed.", day=day.isoformat()), "info")
        return redirect(url_for("workdays.overrides"))
    return _changed(change, gettext("%(day)s saved.", day=day.isoformat()))


@bp.route("/delete", methods=["POST"])
@permission_required("administer")
def delete():
    form = DeleteOverrideForm()
    if form.validate_on_submit():
        done, change = attempted(lambda: services.delete_override(form.day.data, current_user))
        if done:
            return _changed(change, gettext("Override removed."))
    return redirect(url_for("workdays.overrides"))


# --- a year's schedule -----------------------------------------------------------------------------------------


def _problem_lines(problems) -> list[str]:
    lines = []
    for problem in problems:
        reason = gettext(problem.reason, **dict(problem.params))
        if problem.line:
            reason = gettext(
                "Line %(line)s, “%(text)s”: %(reason)s", line=problem.line, text=problem.text, reason=reason
            )
        lines.append(reason)
    return lines


def _schedule_page(form: ScheduleForm, problems=(), status: int = 200):
    return render_template("workdays/schedule.html", form=form, problems=_problem_lines(problems)), status


def _preview_page(change: services.CalendarChange, form: ScheduleForm | ConfirmScheduleForm, status: int = 200):
    confirm = ConfirmScheduleForm(
        formdata=None,
        year=change.year,
        text=form.text.data or "",
        remove_others="1" if _ticked(form.remove_others.data) else "",
        complete="1" if _ticked(form.complete.data) else "",
        source=(form.source.data or "").strip(),
        digest=change.digest,
    )
    page = render_template(
        "workdays/preview.html", change=change, confirm=confirm, labels=rules.CHANGE_LABELS, source=confirm.source.data
    )
    return page, status


def _ticked(value) -> bool:
    return value is True or value == "1"


@bp.route("/schedule", methods=["GET", "POST"])
@permission_required("administer")
def schedule():
    form = ScheduleForm()
    if request.method == "GET":
        missing = services.years_needing_schedule(local_today())
        year = parse_int_arg("year", missing[0] if missing else local_today().year + 1, rules.FIRST_YEAR)
        form.year.data = min(year, rules.LAST_YEAR)
        form.text.data = services.schedule_text(form.year.data)
        return _schedule_page(form)
    if not form.validate_on_submit():
        return _schedule_page(form, status=400)
    try:
        if form.file.data and form.file.data.filename:
            form.text.data = services.read_schedule_file(form.file.data.stream, form.file.data.filename)
        change = services.plan_schedule(
            form.year.data,
            form.text.data or "",
            current_user,
            form.remove_others.data,
            form.complete.data,
            form.source.data or "",
        )
    except services.ScheduleInvalid as invalid:
        flash(invalid.translated(), "error")
        return _schedule_page(form, invalid.problems, 400)
    except DomainError as error:
        flash(error.translated(), "error")
        return _schedule_page(form, status=400)
    return _preview_page(change, form)


@bp.route("/schedule/confirm", methods=["POST"])
@permission_required("administer")
def confirm_schedule():
    form = ConfirmScheduleForm()
    if not form.validate_on_submit():
        flash(gettext("The preview could not be read. Enter the schedule again."), "error")
        return redirect(url_for("workdays.schedule"))
    try:
        with savepoint():
            change = services.apply_schedule(
                form.year.data,
                form.text.data or "",
                current_user,
                digest=form.digest.data,
                remove_others=_ticked(form.remove_others.data),
                complete=_ticked(form.complete.data),
                source=form.source.data or "",
                overwrite=form.overwrite.data,
            )
    except (services.OverwriteNeeded, services.PreviewOutdated) as refusal:
        flash(refusal.translated(), "error")
        return _preview_page(refusal.change, form, 409)
    except services.ScheduleInvalid as invalid:
        flash(invalid.translated(), "error")
        return _schedule_page(
            ScheduleForm(formdata=None, year=form.year.data, text=form.text.data), invalid.problems, 400
        )
    except DomainError as error:
        flash(error.translated(), "error")
        return redirect(url_for("workdays.schedule", year=form.year.data))
    return _changed(change, gettext("The schedule for %(year)s is entered.", year=change.year))


# --- complete years --------------------------------------------------------------------------------------------


@bp.route("/years/<int:year>/complete", methods=["POST"])
@permission_required("administer")
def complete_year(year: int):
    form = CompleteYearForm()
    if form.validate_on_submit():
        done, change = attempted(lambda: services.complete_year(year, form.source.data or "", current_user))
        if done:
            return _changed(change, gettext("%(year)s is marked complete.", year=year))
    return redirect(url_for("workdays.overrides"))


@bp.route("/years/<int:year>/reopen", methods=["POST"])
@permission_required("administer")
def reopen_year(year: int):
    if ConfirmForm().validate_on_submit():
        done, change = attempted(lambda: services.reopen_year(year, current_user))
        if done:
            return _changed(change, gettext("%(year)s is reopened: its deadlines are estimates again.", year=year))
    return redirect(url_for("workdays.overrides"))
