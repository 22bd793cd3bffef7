"""The leaders' dashboard: a year's figures with year-on-year changes, monthly trends, units and the watch list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from casetrack.accounts.permissions import can
from casetrack.accounts.services import all_units
from casetrack.clock import local_today
from casetrack.dashboard import panels, queries
from casetrack.dashboard.agenda import PROPOSALS_SHOWN, UNITS_SHOWN, agenda
from casetrack.dashboard.forms import read_filters
from casetrack.ledger.workbook import write_workbook
from casetrack.replica import reads_replica
from casetrack.stats.queries import years_with_data
from casetrack.web import xlsx_download

bp = Blueprint("dashboard", __name__)


def _filters_and_units(today, years):
    """The filters of this request, each refused value flashed; a liaison's unit is always its own."""
    units = all_units()
    own_unit_id = None
    if not can(current_user, "see_all_units"):
        if current_user.unit_id is None:
            abort(403)  # a liaison without a unit must not fall back to the district's figures
        own_unit_id = current_user.unit_id
    filters = read_filters(request.args, today, {unit.id for unit in units}, own_unit_id, years)
    for msgid, params in filters.problems:
        flash(gettext(msgid, **params), "error")
    return filters, units


def _unit_name(filters, units) -> str:
    if filters.unit_id is None:
        return gettext("Whole district")
    return next(unit.name for unit in units if unit.id == filters.unit_id)


def _overseen_ids() -> tuple[int, ...]:
    return tuple(unit.id for unit in current_user.overseen) if can(current_user, "oversee_units") else ()


@bp.route("/dashboard")
@login_required
@reads_replica
def index():
    today = local_today()
    years = years_with_data(today)
    filters, units = _filters_and_units(today, years)
    data = queries.gather(filters.year, filters.unit_id, today, _overseen_ids())
    return render_template(
        "dashboard/index.html",
        filters=filters,
        units=[] if filters.unit_fixed else units,
        unit_name=_unit_name(filters, units),
        years=years,
        data=data,
        cards=panels.cards(data),
        overseen=panels.overseen_table(data),
        charts=panels.charts(data),
        flag_names=panels.flag_names,
        watch_size=queries.WATCH_LIST_SIZE,
        agenda=agenda(current_user, today),
        proposals_shown=PROPOSALS_SHOWN,
        units_shown=UNITS_SHOWN,
    )


@bp.route("/dashboard/export.xlsx")
@login_required
@reads_replica
def export():
    """What the dashboard shows for these filters, one sheet per panel."""
    today = local_today()
    filters, units = _filters_and_units(today, years_with_data(today))
    if filters.problems:
        return redirect(url_for("dashboard.index", **filters.as_query_args()))
    data = queries.gather(filters.year, filters.unit_id, today, _overseen_ids())
    sheets = panels.sheets(data, _unit_name(filters, units))
    return xlsx_download(lambda file: write_workbook(file, sheets), f"dashboard-{filters.year}")
