"""The monthly figures job: snapshot rows per month and year-to-date, idempotent, picking up late edits."""

from datetime import date

from sqlalchemy import func, select

from casetrack.extensions import db
from casetrack.stats import services
from casetrack.stats.models import DISTRICT, FigureSnapshot
from casetrack.stats.services import stored_figures


def _snapshot_rows():
    return {
        (s.scope, s.year, s.month, s.unit_key): (s.figures, s.computed_at)
        for s in db.session.scalars(select(FigureSnapshot))
    }


def test_month_and_year_to_date_snapshots_for_the_district_and_each_unit(factories):
    east, west = factories.unit(name="东区局"), factories.unit(name="西区局")
    factories.case(respondent_unit=east, received_on=date(2020, 1, 10))
    factories.case(
        respondent_unit=east, received_on=date(2020, 2, 3), concluded_on=date(2020, 2, 20), outcome="revoked"
    )
    factories.case(respondent_unit=west, received_on=date(2020, 2, 5), concluded_on=date(2020, 2, 25), outcome="upheld")
    factories.case(respondent_unit=west, received_on=date(2019, 2, 5))
    db.session.commit()

    services.compute_snapshots(2020, [1, 2])
    db.session.commit()

    february = stored_figures("month", 2020, 2)
    assert february["review"]["new"] == 2 and february["review"]["new_prev"] == 1
    assert february["review"]["new_yoy_pct"] == 100.0
    assert february["review"]["corrected"] == 1 and february["review"]["correction_rate_pct"] == 50.0
    assert stored_figures("ytd", 2020, 2)["review"]["new"] == 3
    assert stored_figures("ytd", 2020, 1)["review"]["new"] == 1
    assert stored_figures("ytd", 2020, 2, east.id)["review"]["correction_rate_pct"] == 100.0
    assert stored_figures("ytd", 2020, 2, west.id)["review"]["correction_rate_pct"] == 0.0
    # Two months × (month, year-to-date) × (district + two units)
    assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 12
    assert stored_figures("month", 2020, 3) is None


def test_running_the_job_twice_changes_nothing(factories):
    factories.case(received_on=date(2020, 5, 6), concluded_on=date(2020, 6, 1), outcome="varied")
    db.session.commit()
    first = services.run_monthly_job(2020, None, today=date(2020, 8, 15))
    db.session.commit()
    before = _snapshot_rows()
    second = services.run_monthly_job(2020, None, today=date(2020, 8, 15))
    db.session.commit()
    assert first.written == len(before) and first.unchanged == 0
    assert second.written == 0 and second.unchanged == len(before)
    assert _snapshot_rows() == before
    # August has begun, so it has rows; September has not.
    assert {key[2] for key in before} == set(range(1, 9))


def test_a_late_edit_to_an_old_case_reaches_every_period_it_touches_on_the_next_run(factories):
    late = factories.case(received_on=date(2019, 3, 4), concluded_on=date(2019, 11, 5), outcome="upheld")
    db.session.commit()
    services.run_monthly_job(2019, None, today=date(2020, 1, 1))
    db.session.commit()
    assert stored_figures("ytd", 2019, 12)["review"]["corrected"] == 0

    late.outcome = "revoked"  # a correction recorded months later
    db.session.commit()
    # The beat run of 1 February 2020 computes January 2020 and checks every stored period again.
    result = services.run_monthly_job(None, None, today=date(2020, 2, 1))
    db.session.commit()

    assert "month:2020-01" in result.periods
    assert stored_figures("month", 2019, 11)["review"]["corrected"] == 1
    assert stored_figures("ytd", 2019, 11)["review"]["corrected"] == 1
    assert stored_figures("ytd", 2019, 12)["review"]["correction_rate_pct"] == 100.0
    assert stored_figures("month", 2019, 10)["review"]["corrected"] == 0
    # Rewritten: 2019's November month and year-to-date, December year-to-date (district and unit: 6), plus the
    # four new rows of January 2020; nothing else.
    assert result.written == 6 + 4


def test_the_job_without_a_year_takes_the_previous_month_across_new_year(factories):
    factories.case(received_on=date(2020, 12, 30))
    db.session.commit()
    result = services.run_monthly_job(None, None, today=date(2021, 1, 1))
    assert result.periods[-2:] == ["month:2020-12", "ytd:2020-12"]
    assert stored_figures("month", 2020, 12)["review"]["new"] == 1
    assert stored_figures("month", 2020, 12, unit_id=None) == stored_figures("month", 2020, 12)
    assert db.session.scalar(select(FigureSnapshot.unit_id).where(FigureSnapshot.unit_key == DISTRICT).limit(1)) is None


def test_stats_compute_runs_the_job_and_reports_what_it_wrote(app, factories):
    factories.case(received_on=date(2020, 4, 1))
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["stats", "compute", "--year", "2020", "--month", "4"])
    again = runner.invoke(args=["stats", "compute", "--year", "2020", "--month", "4"])
    assert first.exit_code == 0 and "written 4, unchanged 0" in first.output
    assert again.exit_code == 0 and "written 0, unchanged 4" in again.output
    assert stored_figures("month", 2020, 4)["review"]["new"] == 1


def test_stats_compute_refuses_a_bad_month_and_writes_nothing(app):
    result = app.test_cli_runner().invoke(args=["stats", "compute", "--year", "2020", "--month", "13"])
    assert result.exit_code != 0 and "13" in result.output
    not_begun = app.test_cli_runner().invoke(args=["stats", "compute", "--year", "2099", "--month", "5"])
    assert not_begun.exit_code != 0 and "2099-05 has not begun" in not_begun.output
    assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 0
