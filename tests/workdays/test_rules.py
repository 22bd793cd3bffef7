from datetime import date

from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup


def library_calendar(overrides=None):
    return WorkCalendar(overrides or {}, chinese_calendar_lookup)


def test_five_working_days_skip_the_spring_festival_and_count_the_worked_saturday():
    # Received Friday 13 Feb 2026: Sat 14 Feb is a 调休 working day, 15–23 Feb are the holiday.
    assert library_calendar().add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_a_worked_sunday_before_the_2020_spring_festival_counts():
    # Sun 19 Jan 2020 was worked in exchange for the holiday.
    assert library_calendar().add_working_days(date(2020, 1, 17), 1) == date(2020, 1, 19)


def test_calendar_days_ending_on_a_holiday_roll_to_the_next_working_day():
    # 16 Sep + 15 days lands in the National Day holiday; the period ends on the first working day after it.
    calendar = library_calendar()
    end = calendar.add_calendar_days(date(2026, 9, 16), 15)
    assert end >= date(2026, 10, 1)
    assert calendar.is_workday(end)
    assert all(not calendar.is_workday(date(2026, 10, day)) for day in range(1, end.day) if end.month == 10)


def test_a_year_the_library_does_not_know_falls_back_to_weekends_and_is_remembered():
    calendar = library_calendar()
    assert not calendar.knows_year(2027)
    # Thu 30 Dec 2027 + 2 working days → Mon 3 Jan 2028 by weekends alone (1 Jan is not known to be off).
    assert calendar.add_working_days(date(2027, 12, 30), 2) == date(2028, 1, 3)
    assert {2027, 2028} <= calendar.fallback_years
    assert calendar.is_estimate(date(2026, 12, 28), date(2027, 1, 5))


def test_overrides_beat_the_library_and_fill_unknown_years():
    overrides = {date(2027, 2, 8): False, date(2027, 2, 6): True, date(2026, 3, 2): False}
    calendar = library_calendar(overrides)
    assert calendar.is_workday(date(2027, 2, 6))  # a Saturday worked
    assert not calendar.is_workday(date(2027, 2, 8))  # a Monday off
    assert not calendar.is_workday(date(2026, 3, 2))  # the admin's word wins over the library's
    assert calendar.is_workday(date(2026, 3, 3))  # and the library still answers the rest of 2026


def test_a_year_with_some_days_entered_stays_unknown_until_it_is_marked_complete():
    # Issue 11: two days of 2027 made the year "known", so 2027 deadlines lost their estimate mark while 春节 was
    # still missing.
    overrides = {date(2027, 1, 1): False, date(2027, 1, 2): False}
    partial = library_calendar(overrides)
    assert not partial.knows_year(2027)
    assert partial.is_estimate(date(2026, 12, 28), date(2027, 1, 5))
    partial.is_workday(date(2027, 2, 8))
    assert 2027 in partial.fallback_years
    complete = WorkCalendar(overrides, chinese_calendar_lookup, complete_years={2027})
    assert complete.knows_year(2027)
    assert not complete.is_estimate(date(2026, 12, 28), date(2027, 1, 5))
    complete.is_workday(date(2027, 2, 8))
    assert 2027 not in complete.fallback_years


def test_a_calendar_with_changes_leaves_the_original_alone():
    calendar = library_calendar({date(2027, 1, 1): False})
    changed = calendar.with_changes({date(2027, 1, 1): None, date(2027, 1, 4): False}, {2027})
    assert changed.is_workday(date(2027, 1, 1)) and not changed.is_workday(date(2027, 1, 4))
    assert changed.knows_year(2027)
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 1, 4))
    assert not calendar.knows_year(2027)


def test_months_end_on_the_same_day_or_the_last_day_of_a_shorter_month():
    calendar = WorkCalendar({}, None)
    assert calendar.add_months(date(2025, 8, 29), 6) == date(2026, 3, 2)  # 28 Feb 2026 is a Saturday → Monday
    assert calendar.add_months(date(2025, 3, 10), 6) == date(2025, 9, 10)
