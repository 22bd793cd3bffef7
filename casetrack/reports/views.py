from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casetrack.clock import local_today
from casetrack.locks import JobAlreadyRunning, job_lock
from casetrack.replica import reads_replica
from casetrack.reports import services
from casetrack.reports.forms import BuildReportForm
from casetrack.stats.queries import years_with_data
from casetrack.web import permission_required

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: The annual report covers every unit, so a unit liaison does not get it.


@bp.route("/")
@permission_required("read_reports")
def index():
    today = local_today()
    years = years_with_data(today)
    # January's job builds last year's report; building it again is what a person usually wants.
    form = BuildReportForm(year=today.year - 1 if today.year - 1 in years else years[0])
    return render_template("reports/index.html", reports=services.stored_reports(), form=form, years=years)


@bp.route("/build", methods=["POST"])
@permission_required("build_report")
@reads_replica
def build():
    form = BuildReportForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("reports.index"))
    try:
        # The January job and a double-click take the same lock: one build at a time per year.
        with job_lock(f"annual_report_{form.year.data}", timeout=1800):
            services.store_annual_report(form.year.data, current_user)
    except JobAlreadyRunning:
        flash(_("The %(year)s report is being built right now; try again in a minute.", year=form.year.data), "error")
        return redirect(url_for("reports.index"))
    flash(_("The %(year)s annual report has been built.", year=form.year.data), "info")
    return redirect(url_for("reports.index"))


@bp.route("/<int:year>.<fmt>")
@permission_required("read_reports")
def download(year: int, fmt: str):
    if fmt not in services.FORMATS:
        abort(404)
    stored = services.stored_report(year, fmt)
    if stored is None:
        abort(404)
    return send_file(
        io.BytesIO(stored.content),
        as_attachment=True,
        download_name=services.download_name(year, fmt),
        mimetype=services.MEDIA_TYPES[fmt],
    )


def _joint_meeting_period():
    from datetime import date

    from casetrack.stats.queries import Period
    from casetrack.web import parse_date_arg

    today = local_today()
    start, problem_start = parse_date_arg("from")
    end, problem_end = parse_date_arg("to")
    problems = [p for p in (problem_start, problem_end) if p]
    start, end = start or date(today.year, 1, 1), end or today
    if end < start:
        problems.append(_("The end of the period is before its start."))
        start, end = date(today.year, 1, 1), today
    return Period(start, end), problems


@bp.route("/joint-meeting")
@permission_required("build_report")
def joint_meeting():
    from casetrack.reports.joint_meeting import pack

    period, problems = _joint_meeting_period()
    for problem in problems:
        flash(problem, "error")
    return render_template("reports/joint_meeting.html", period=period, pack=pack(period, local_today()))


@bp.route("/joint-meeting.docx")
@permission_required("build_report")
def joint_meeting_docx():
    from casetrack.reports.joint_meeting import docx_bytes, download_name

    period, problems = _joint_meeting_period()
    if problems:
        for problem in problems:
            flash(problem, "error")
        return redirect(url_for("reports.joint_meeting"))
    return send_file(
        io.BytesIO(docx_bytes(period, local_today())),
        mimetype=services.MEDIA_TYPES["docx"],
        as_attachment=True,
        download_name=download_name(period),
    )
