"""Which days the dashboard compares, and how its filters read the query string. No app."""

from datetime import date

import pytest

from casetrack.dashboard.forms import read_filters
from casetrack.dashboard.rules import compared_days

TODAY = date(2026, 3, 5)


def test_a_past_year_is_compared_whole_with_the_year_before():
    assert compared_days(2020, TODAY) == (
        date(2020, 1, 1),
        date(2020, 12, 31),
        date(2019, 1, 1),
        date(2019, 12, 31),
        12,
    )


def test_the_running_year_is_compared_up_to_today_with_the_same_days_a_year_earlier():
    assert compared_days(2026, TODAY) == (date(2026, 1, 1), TODAY, date(2025, 1, 1), date(2025, 3, 5), 3)


def test_29_february_is_compared_up_to_28_february_a_year_earlier():
    leap_day = date(2028, 2, 29)
    assert compared_days(2028, leap_day)[3] == date(2027, 2, 28)


def test_a_year_not_yet_begun_is_refused():
    with pytest.raises(ValueError):
        compared_days(2027, TODAY)


def test_filters_default_to_the_running_year_and_the_district():
    filters = read_filters({}, TODAY, {1, 2})
    assert (filters.year, filters.unit_id, filters.problems) == (2026, None, [])
    assert filters.as_query_args() == {"year": 2026}


def test_a_liaisons_unit_cannot_be_changed_by_the_query_string():
    filters = read_filters({"unit": "2"}, TODAY, {1, 2}, own_unit_id=1)
    assert (filters.unit_id, filters.unit_fixed, len(filters.problems)) == (1, True, 1)
    assert filters.as_query_args() == {"year": 2026}  # its unit goes without saying


@pytest.mark.parametrize("raw", ["abc", "2026.0", "-2020", "1999", "2027", "²", "9" * 5000])
def test_a_year_that_is_not_offered_falls_back_to_the_running_year(raw):
    filters = read_filters({"year": raw}, TODAY, set())
    assert filters.year == 2026 and len(filters.problems) == 1
    assert all(len(str(value)) <= 20 for value in filters.problems[0][1].values())


@pytest.mark.parametrize("raw", ["3", "x", "1.0", "9" * 5000])
def test_an_unknown_unit_falls_back_to_the_district(raw):
    filters = read_filters({"unit": raw}, TODAY, {1, 2})
    assert filters.unit_id is None and len(filters.problems) == 1


def test_the_years_offered_bound_the_year_asked_for():
    offered = list(range(TODAY.year, TODAY.year - 4, -1))
    assert read_filters({"year": str(offered[-1])}, TODAY, set(), years=offered).year == offered[-1]
    filters = read_filters({"year": str(offered[-1] - 1)}, TODAY, set(), years=offered)
    assert filters.year == TODAY.year and filters.problems[0][1]["first"] == offered[-1]
