from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from casetrack.accounts.forms import ConfirmForm
from casetrack.accounts.permissions import can
from casetrack.accounts.queries import units_to_filter_by
from casetrack.accounts.services import all_units
from casetrack.cases.queries import court_dates_between, get_visible_case
from casetrack.clock import local_today
from casetrack.hearings import queries, rules, services
from casetrack.hearings.forms import AppearanceForm, PrincipalForm, ScheduleForm
from casetrack.params import parse_id
from casetrack.stats import queries as figures
from casetrack.stats.rules import rate_pct
from casetrack.unit_of_work import attempt, attempted
from casetrack.web import parse_date_arg, parse_int_arg, parse_year_arg, posted_form, safe_next

bp = Blueprint("hearings", __name__, url_prefix="/hearings")
#: Hearings listed in one calendar cell; the rest are counted, with a link to narrow down.
PER_DAY = {"week": 25, "month": 5}


@bp.route("/calendar")
@login_required
def calendar():
    view = request.args.get("view", "week") if request.args.get("view") in ("week", "month") else "week"
    start, problem = parse_date_arg("start")
    if problem:
        flash(problem, "error")
    anchor = start or local_today()
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        previous = (first - timedelta(days=1)).replace(day=1)
    unit_raw = request.args.get("unit_id", "")
    unit_id = parse_id(unit_raw)
    hearings, counts = queries.hearings_between(current_user, first, last, unit_id, per_day=PER_DAY[view])
    by_day: dict[date, list] = {}
    for hearing in hearings:
        by_day.setdefault(hearing.held_on, []).append(hearing)
    # The other dates the court set (举证期限, 证据交换, …) beside the hearings, as the office plans its weeks.
    court_dates: dict[date, list] = {}
    for item in court_dates_between(current_user, first, last, unit_id):
        court_dates.setdefault(item.due_on, []).append(item)
    # Month view shows whole weeks, Monday first, as a wall calendar does.
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    days = [grid_start + timedelta(days=n) for n in range((grid_end - grid_start).days + 1)]
    units = units_to_filter_by(current_user)
    return render_template(
        "hearings/calendar.html",
        view=view,
        first=first,
        last=last,
        days=days,
        by_day=by_day,
        court_dates=court_dates,
        previous=previous,
        following=following,
        units=units,
        unit_id=unit_id,
        count=sum(counts.values()),
        day_counts=counts,
        today=local_today(),
    )


@bp.route("/appearance")
@login_required
def appearance():
    today = local_today()
    years = figures.years_with_data(today)
    year = parse_year_arg(years)
    month = parse_int_arg("month", 0, minimum=0, maximum=12)
    period = figures.Period.month(year, month) if month else figures.Period.year(year)
    unit_id = None if can(current_user, "see_all_units") else current_user.unit_id
    district = figures.appearance_counts(period, unit_id=unit_id)
    per_unit = figures.appearance_counts(period, by_unit=True)
    units = {unit.id: unit for unit in all_units()}
    rows = sorted(
        (
            (units[uid], counts, rate_pct(counts["appearance_appeared"], counts["appearance_required"]))
            for uid, counts in per_unit.items()
            if unit_id is None or uid == unit_id
        ),
        key=lambda row: (row[2] if row[2] is not None else 101, row[0].name),
    )
    return render_template(
        "hearings/appearance.html",
        year=year,
        years=years,
        month=month,
        district=district,
        rows=rows,
        district_rate=rate_pct(district["appearance_appeared"], district["appearance_required"]),
        pending=queries.absences_awaiting_approval(current_user),
        co_pending=queries.co_absences_awaiting_approval(current_user),
        confirm=ConfirmForm(),
    )


@bp.route("/new/<int:case_id>", methods=["POST"])
@login_required
def schedule(case_id: int):
    case = get_visible_case(current_user, case_id)
    back = url_for("cases.show_case", case_id=case.id)
    form = posted_form(ScheduleForm, gettext("Give the hearing date and the court."), back)
    done, hearing = attempted(
        lambda: services.schedule_hearing(
            case,
            current_user,
            held_on=form.held_on.data,
            court=form.court.data,
            courtroom=form.courtroom.data or "",
            starts_at=form.starts_at.data,
        )
    )
    if not done:
        return redirect(back)
    flash(gettext("Hearing on %(day)s scheduled.", day=hearing.held_on.isoformat()), "info")
    return redirect(url_for("hearings.show", hearing_id=hearing.id))


@bp.route("/<int:hearing_id>")
@login_required
def show(hearing_id: int):
    hearing = queries.get_visible_hearing(current_user, hearing_id)
    today = local_today()
    principal_form = PrincipalForm(obj=hearing)
    appearance_form = AppearanceForm(obj=hearing)
    appearance_form.appeared.data = {True: "yes", False: "no"}.get(hearing.appeared)
    can_write = can(current_user, "edit_case") and (
        can(current_user, "see_all_units") or hearing.case.respondent_unit_id == current_user.unit_id
    )
    # Each co-defendant (共同被告) answers for itself: its own record, written by its liaisons or the staff.
    co_records = []
    for respondent in hearing.case.co_respondents:
        record = next((a for a in hearing.co_appearances if a.unit_id == respondent.unit_id), None)
        state = rules.appearance_state(record.appeared, record.absence_approved) if record else "to_record"
        may_write = can(current_user, "record_appearance", respondent.unit_id) and can(
            current_user, "edit_case", respondent.unit_id
        )
        co_appearance_form = AppearanceForm(obj=record, formdata=None)
        co_appearance_form.appeared.data = {True: "yes", False: "no"}.get(record.appeared if record else None)
        co_records.append(
            {
                "principal_form": PrincipalForm(obj=record, formdata=None),
                "appearance_form": co_appearance_form,
                "unit": respondent.unit,
                "role": respondent.role,
                "record": record,
                "state": state,
                "can_write": may_write,
                "can_approve": can(current_user, "approve_absence")
                and record is not None
                and state == "absent_pending",
            }
        )
    return render_template(
        "hearings/detail.html",
        hearing=hearing,
        co_records=co_records,
        today=today,
        principal_form=principal_form,
        appearance_form=appearance_form,
        can_write=can_write,
        can_record=can_write and hearing.held_on <= today,
        confirm=ConfirmForm(),
        state=rules.appearance_state(hearing.appeared, hearing.absence_approved),
        can_approve=can(current_user, "approve_absence") and hearing.appeared is False and not hearing.absence_approved,
    )


def _posted(hearing_id: int, form_class):
    """The hearing a form is posted on, and the form; an invalid form is a bad request (the page never sends one)."""
    hearing = queries.get_visible_hearing(current_user, hearing_id)
    form = form_class()
    form.validate_on_submit() or abort(400)
    return hearing, form


def _back_to(hearing_id: int):
    return redirect(url_for("hearings.show", hearing_id=hearing_id))


#: A co-defendant's (共同被告) appearance is posted to the same views with its unit in the address.
_MAIN = {"unit_id": None}
_CO = "/<int:hearing_id>/respondents/<int:unit_id>"


@bp.route("/<int:hearing_id>/principal", methods=["POST"], defaults=_MAIN)
@bp.route(f"{_CO}/principal", methods=["POST"])
@login_required
def principal(hearing_id: int, unit_id: int | None):
    hearing, form = _posted(hearing_id, PrincipalForm)
    attempt(
        lambda: services.name_principal(
            hearing,
            current_user,
            name=form.principal_name.data or "",
            title=form.principal_title.data,
            expected_version=form.version.data,
            unit_id=unit_id,
        ),
        gettext("The head who will appear is recorded."),
    )
    return _back_to(hearing_id)


@bp.route("/<int:hearing_id>/appearance", methods=["POST"], defaults=_MAIN)
@bp.route(f"{_CO}/appearance", methods=["POST"])
@login_required
def record(hearing_id: int, unit_id: int | None):
    hearing, form = _posted(hearing_id, AppearanceForm)
    appeared = {"yes": True, "no": False}.get(form.appeared.data)
    attempt(
        lambda: services.record_appearance(
            hearing,
            current_user,
            local_today(),
            appeared=appeared,
            name=form.principal_name.data or "",
            title=form.principal_title.data or None,
            spoke=form.spoke.data,
            absence_reason=form.absence_reason.data or "",
            expected_version=form.version.data,
            unit_id=unit_id,
        ),
        gettext("The appearance is recorded."),
    )
    return _back_to(hearing_id)


@bp.route("/<int:hearing_id>/approve", methods=["POST"], defaults=_MAIN)
@bp.route(f"{_CO}/approve", methods=["POST"])
@login_required
def approve(hearing_id: int, unit_id: int | None):
    hearing, _ = _posted(hearing_id, ConfirmForm)
    attempt(
        lambda: services.approve_absence(hearing, current_user, unit_id=unit_id),
        gettext("The reason for the absence is approved."),
    )
    return redirect(safe_next(request.form.get("next"), url_for("hearings.show", hearing_id=hearing_id)))
