"""The demo district's records (casetrack.demo.plan) without a database: deterministic, and true to their day."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest

from casetrack.demo.plan import district_plan

DAY = date(2026, 12, 2)


def test_the_same_seed_and_day_give_the_same_district():
    first, second = district_plan(DAY), district_plan(DAY)
    assert [asdict(case) for case in first.cases] == [asdict(case) for case in second.cases]
    assert [asdict(m) for m in first.mediations] == [asdict(m) for m in second.mediations]
    assert [asdict(case) for case in district_plan(DAY, seed=7).cases] != [asdict(case) for case in first.cases]


def test_the_report_years_do_not_depend_on_the_day_the_demo_is_loaded():
    def report_years(day):
        plan = district_plan(day)
        return [asdict(case) for case in plan.cases if case.received_on.year <= 2020], [
            asdict(m) for m in plan.mediations if m.received_on.year <= 2020
        ]

    assert report_years(date(2023, 5, 17)) == report_years(DAY) == report_years(date(2031, 1, 2))


def test_a_later_day_keeps_the_earlier_years_and_goes_on_from_them():
    def closed_by(plan, year):
        return sorted(
            (case.kind, case.received_on, case.concluded_on, case.outcome, case.unit)
            for case in plan.cases
            if case.concluded_on and case.concluded_on.year <= year and not case.story
        )

    earlier, later = district_plan(date(2025, 6, 1)), district_plan(DAY)
    assert closed_by(earlier, 2024) == closed_by(later, 2024)
    assert max(case.received_on for case in later.cases) > max(case.received_on for case in earlier.cases)


@pytest.mark.parametrize("day", [DAY, date(2027, 1, 4), date(2028, 2, 29)])
def test_nothing_has_happened_after_the_day_and_what_is_open_is_recent(day):
    plan = district_plan(day)
    for case in plan.cases:
        dates = [
            case.received_on,
            case.accepted_on,
            case.concluded_on,
            case.served_on,
            case.defence_filed_on,
            case.copy_sent_on,
            case.answer_received_on,
        ]
        assert all(d is None or d <= day for d in dates), case.number
        for hearing in case.hearings:
            if hearing.held_on >= day:
                assert hearing.appeared is None and hearing.held_on <= day + timedelta(days=42), case.number
        if case.is_open:
            assert case.received_on >= day - timedelta(days=200), case.number
    for mediation in plan.mediations:
        assert all(d < day for d in mediation.sessions) and (mediation.concluded_on or day) <= day
    numbers = [case.number for case in plan.cases]
    assert len(numbers) == len(set(numbers))


def test_the_demo_needs_its_report_year_to_be_over():
    with pytest.raises(ValueError):
        district_plan(date(2020, 12, 31))
