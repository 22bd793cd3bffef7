from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from casetrack.accounts.permissions import can
from casetrack.cases.queries import get_visible_case
from casetrack.clock import local_today
from casetrack.review_hearings import queries, rules, services
from casetrack.review_hearings.forms import AttendanceForm, NoticeForm, ScheduleReviewHearingForm
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import posted_form

bp = Blueprint("review_hearings", __name__, url_prefix="/review-hearings")


def _warn_if_late(hearing) -> None:
    if services.notice_is_late(hearing):
        flash(
            gettext(
                "The notice went out on %(sent)s, later than Art. 51 allows: for a hearing on %(day)s it was due by "
                "%(latest)s (5 working days before).",
                sent=hearing.notice_sent_on.isoformat(),
                day=hearing.held_on.isoformat(),
                latest=services.latest_notice_day(hearing).isoformat(),
            ),
            "warn",
        )


@bp.route("/new/<int:case_id>", methods=["POST"])
@login_required
def schedule(case_id: int):
    case = get_visible_case(current_user, case_id)
    back = url_for("cases.show_case", case_id=case.id) + "#review-hearings"
    form = posted_form(ScheduleReviewHearingForm, gettext("Give the hearing's date, place and matters."), back)
    done, hearing = attempted(
        lambda: services.schedule_review_hearing(
            case,
            current_user,
            local_today(),
            held_on=form.held_on.data,
            place=form.place.data or "",
            matters=form.matters.data or "",
            starts_at=form.starts_at.data,
            notice_sent_on=form.notice_sent_on.data,
        )
    )
    if not done:
        return redirect(back)
    flash(gettext("Hearing (听证) on %(day)s scheduled.", day=hearing.held_on.isoformat()), "info")
    _warn_if_late(hearing)
    return redirect(url_for("review_hearings.show", review_hearing_id=hearing.id))


@bp.route("/<int:review_hearing_id>")
@login_required
def show(review_hearing_id: int):
    hearing = queries.get_visible_review_hearing(current_user, review_hearing_id)
    attendance_form = AttendanceForm(obj=hearing)
    attendance_form.attended.data = {True: "yes", False: "no"}.get(hearing.head_attended)
    unit_id = hearing.case.respondent_unit_id
    return render_template(
        "review_hearings/detail.html",
        hearing=hearing,
        notice_form=NoticeForm(obj=hearing),
        attendance_form=attendance_form,
        can_notice=can(current_user, "schedule_review_hearing"),
        can_record=can(current_user, "record_review_attendance", unit_id),
        recordable=hearing.held_on <= local_today(),
        late=services.notice_is_late(hearing),
        latest_notice=services.latest_notice_day(hearing),
        state=rules.attendance_state(hearing.head_attended),
        rules=rules,
    )


def _back_to(review_hearing_id: int):
    return redirect(url_for("review_hearings.show", review_hearing_id=review_hearing_id))


@bp.route("/<int:review_hearing_id>/notice", methods=["POST"])
@login_required
def notice(review_hearing_id: int):
    hearing = queries.get_visible_review_hearing(current_user, review_hearing_id)
    back = url_for("review_hearings.show", review_hearing_id=review_hearing_id)
    form = posted_form(NoticeForm, gettext("Give the day the notice went out."), back)
    done = attempt(
        lambda: services.record_notice(
            hearing,
            current_user,
            local_today(),
            notice_sent_on=form.notice_sent_on.data,
            expected_version=form.version.data,
        ),
        gettext("The day the notice went out is recorded."),
    )
    if done:
        _warn_if_late(hearing)
    return _back_to(review_hearing_id)


@bp.route("/<int:review_hearing_id>/attendance", methods=["POST"])
@login_required
def attendance(review_hearing_id: int):
    hearing = queries.get_visible_review_hearing(current_user, review_hearing_id)
    back = url_for("review_hearings.show", review_hearing_id=review_hearing_id)
    form = posted_form(AttendanceForm, gettext("Check the attendance record and try again."), back)
    attempt(
        lambda: services.record_attendance(
            hearing,
            current_user,
            local_today(),
            attended={"yes": True, "no": False}.get(form.attended.data),
            name=form.head_name.data or "",
            title=form.head_title.data or None,
            absence_reason=form.absence_reason.data or "",
            delegate_name=form.delegate_name.data or "",
            expected_version=form.version.data,
        ),
        gettext("The attendance is recorded."),
    )
    return _back_to(review_hearing_id)
