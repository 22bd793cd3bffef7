"""The SPEC section 3 definitions on edge cases, counted by the SQL in stats.queries."""

from datetime import date, timedelta

import pytest

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.stats.queries import Period, appearance_counts, case_counts, mediation_counts
from tests.factories import held_hearing as hearing
from tests.factories import mediation

pytestmark = pytest.mark.usefixtures("app")
YEAR = Period.year(2020)


def litigation(factories, unit, number, instance="first", **kw):
    return factories.case(kind="litigation", instance=instance, number=number, respondent_unit=unit, **kw)


def test_several_hearings_one_attended_count_once_as_appeared(factories):
    unit = factories.unit()
    case = litigation(factories, unit, "L1")
    hearing(case, date(2020, 3, 1), False)
    hearing(case, date(2020, 4, 1), True)
    hearing(case, date(2020, 5, 1), False)
    db.session.flush()
    assert appearance_counts(YEAR) == {"appearance_required": 1, "appearance_appeared": 1}


def test_a_hearing_in_the_prior_year_does_not_count(factories):
    unit = factories.unit()
    case = litigation(factories, unit, "L1", received_on=date(2019, 3, 1))
    hearing(case, date(2019, 12, 30), True)
    hearing(case, date(2020, 1, 10), False)
    db.session.flush()
    assert appearance_counts(YEAR) == {"appearance_required": 1, "appearance_appeared": 0}
    assert appearance_counts(Period.year(2019)) == {"appearance_required": 1, "appearance_appeared": 1}


def test_a_second_instance_case_counts_as_its_own_case(factories):
    unit = factories.unit()
    first, second = litigation(factories, unit, "一审1"), litigation(factories, unit, "二审1", instance="second")
    hearing(first, date(2020, 3, 1), True)
    hearing(second, date(2020, 9, 1), False)
    db.session.flush()
    assert appearance_counts(YEAR) == {"appearance_required": 2, "appearance_appeared": 1}
    by_unit = appearance_counts(YEAR, by_unit=True)
    assert by_unit[unit.id] == {"appearance_required": 2, "appearance_appeared": 1}


def test_withdrawn_and_open_mediations_are_not_concluded(factories):
    unit = factories.unit()
    mediation(unit, "M1", "succeeded", date(2020, 5, 1))
    mediation(unit, "M2", "failed", date(2020, 6, 1))
    mediation(unit, "M3", "withdrawn", date(2020, 6, 1))
    mediation(unit, "M4", "open")
    mediation(unit, "M5", "succeeded", date(2021, 1, 2))
    db.session.flush()
    assert mediation_counts(YEAR) == {"mediation_concluded": 2, "mediation_succeeded": 1}


def test_second_instance_cases_are_outside_litigation_new_and_loss(factories):
    unit = factories.unit()
    litigation(
        factories,
        unit,
        "一审",
        received_on=date(2020, 2, 1),
        accepted_on=date(2020, 2, 2),
        concluded_on=date(2020, 6, 1),
        outcome="revoked",
    )
    litigation(
        factories,
        unit,
        "二审",
        instance="second",
        received_on=date(2020, 7, 1),
        accepted_on=date(2020, 7, 2),
        concluded_on=date(2020, 9, 1),
        outcome="revoked",
    )
    db.session.flush()
    counts = case_counts(YEAR)
    assert (counts["litigation_new"], counts["litigation_concluded"], counts["litigation_lost"]) == (1, 1, 1)


def test_a_case_received_in_one_year_and_concluded_in_the_next_counts_in_each_for_its_own_event(factories):
    unit = factories.unit()
    factories.case(
        number="跨年",
        respondent_unit=unit,
        received_on=date(2019, 12, 20),
        accepted_on=date(2019, 12, 23),
        concluded_on=date(2020, 2, 1),
        outcome="revoked",
    )
    db.session.flush()
    assert case_counts(Period.year(2019))["review_new"] == 1 and case_counts(Period.year(2019))["review_concluded"] == 0
    now = case_counts(YEAR)
    assert (now["review_new"], now["review_concluded"], now["review_corrected"]) == (0, 1, 1)


def test_the_district_summed_from_its_units_equals_the_district_counted_directly(app):
    from casetrack.stats.queries import Period, district_and_unit_figures, figures

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    for year in (2019, 2020):
        district, by_unit = district_and_unit_figures(Period.year(year), Period.year(year - 1))
        assert district == figures(Period.year(year), Period.year(year - 1))
        assert sum(f["litigation"]["new"] for f in by_unit.values()) == district["litigation"]["new"]
    assert district["review"]["new"] == 94  # the worked example's 2020 count, reached by another road


def test_a_hearing_not_yet_held_does_not_count_as_a_missed_appearance(factories):
    today = local_today()
    held = factories.case(kind="litigation", received_on=today - timedelta(days=90))
    scheduled = factories.case(kind="litigation", received_on=today - timedelta(days=60))
    db.session.add_all(
        [
            Hearing(case_id=held.id, held_on=today - timedelta(days=1), appeared=True),
            Hearing(case_id=scheduled.id, held_on=today + timedelta(days=1)),
        ]
    )
    db.session.flush()
    counts = appearance_counts(Period(today - timedelta(days=30), today + timedelta(days=30)))
    assert (counts["appearance_required"], counts["appearance_appeared"]) == (1, 1)


def test_the_months_grouped_in_one_scan_equal_each_month_counted_on_its_own(app):
    from casetrack.stats.queries import figures, monthly_figures

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    for unit_id in (None, 1, 2):
        grouped = monthly_figures(2020, unit_id)
        one_by_one = [
            {"month": m, **figures(Period.month(2020, m), Period.month(2019, m), unit_id)} for m in range(1, 13)
        ]
        assert grouped == one_by_one
    assert sum(m["review"]["new"] for m in monthly_figures(2020)) == 94
