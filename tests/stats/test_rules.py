from datetime import date

from casetrack.stats.rules import change_pct, change_pp, rate_pct, round_half_up
from casetrack.stats.services import months_to_compute, previous_month


def test_rates_round_half_up_at_exactly_half_a_hundredth():
    assert round_half_up(0.125) == 0.13  # float rounding would give 0.12
    assert rate_pct(1, 8) == 12.5
    assert rate_pct(1, 200) == 0.5
    assert rate_pct(1, 16) == 6.25
    assert rate_pct(1, 32) == 3.13  # 3.125 → 3.13, not banker's 3.12


def test_a_zero_denominator_is_no_figure_not_zero():
    assert rate_pct(0, 0) is None
    assert change_pct(5, 0) is None
    assert change_pp(None, 10.0) is None


def test_the_seed_reports_own_figures():
    assert rate_pct(9, 105) == 8.57
    assert rate_pct(83, 85) == 97.65
    assert rate_pct(36, 39) == 92.31
    assert change_pct(94, 118) == -20.34
    assert change_pct(111, 130) == -14.62
    assert change_pp(rate_pct(11, 124), rate_pct(37, 143)) == -17.0


def test_the_job_computes_only_months_that_have_begun():
    assert months_to_compute(2026, None, date(2026, 11, 26)) == list(range(1, 12))
    assert months_to_compute(2025, None, date(2026, 11, 26)) == list(range(1, 13))
    assert months_to_compute(2027, None, date(2026, 11, 26)) == []
    assert months_to_compute(2026, 3, date(2026, 11, 26)) == [3]
    assert months_to_compute(2026, 11, date(2026, 11, 26)) == [11]
    assert months_to_compute(2026, 12, date(2026, 11, 26)) == []
    assert months_to_compute(2030, 5, date(2026, 11, 26)) == []
    assert previous_month(date(2027, 1, 1)) == (2026, 12)
    assert previous_month(date(2026, 3, 31)) == (2026, 2)


def test_a_whole_month_is_compared_with_the_whole_month_a_year_earlier_29_february_included():
    from casetrack.stats.rules import compared_days

    today = date(2026, 11, 26)
    assert compared_days(2025, 2, today) == (date(2025, 2, 1), date(2025, 2, 28), date(2024, 2, 1), date(2024, 2, 29))
    assert compared_days(2024, 2, today)[2:] == (date(2023, 2, 1), date(2023, 2, 28))
    assert compared_days(2026, 11, today) == (date(2026, 11, 1), today, date(2025, 11, 1), date(2025, 11, 26))
    assert compared_days(2025, None, today) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
