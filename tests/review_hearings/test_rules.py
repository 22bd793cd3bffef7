"""听证 rules (行政复议法 Arts 50–51) without an app: the notice period in working days, and the attendance record."""

from datetime import date

from casetrack.cases import kinds
from casetrack.review_hearings import rules
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup

CALENDAR = WorkCalendar({}, chinese_calendar_lookup)
TODAY = date(2026, 12, 3)


def test_the_notice_period_is_the_review_kinds_five_working_days_and_other_kinds_hold_no_hearings():
    assert rules.notice_days(kinds.REVIEW) == 5
    assert rules.notice_days(kinds.LITIGATION) is None
    assert kinds.has_review_hearings(kinds.REVIEW) and not kinds.has_review_hearings(kinds.COMPENSATION)


def test_a_notice_five_working_days_ahead_over_a_plain_weekend_is_on_time_and_a_day_later_is_late():
    # Hearing Mon 23 Nov 2026: Mon 16 Nov leaves Tue–Fri and Mon; Tue 17 Nov leaves only four working days.
    assert not rules.notice_is_late(date(2026, 11, 16), date(2026, 11, 23), CALENDAR, 5)
    assert rules.notice_is_late(date(2026, 11, 17), date(2026, 11, 23), CALENDAR, 5)
    assert rules.latest_notice_day(date(2026, 11, 23), CALENDAR, 5) == date(2026, 11, 16)


def test_a_notice_across_national_day_2026_must_go_out_before_the_holiday():
    # Hearing Mon 12 Oct 2026. 1–7 Oct are the holiday and Sat 10 Oct is worked in exchange (调休): the five working
    # days before it are 29 and 30 Sep, 8, 9 and 10 Oct, so the notice is due by Tue 29 Sep — thirteen calendar
    # days ahead; one sent on 30 Sep, twelve days ahead, is late.
    held_on = date(2026, 10, 12)
    assert rules.latest_notice_day(held_on, CALENDAR, 5) == date(2026, 9, 29)
    assert not rules.notice_is_late(date(2026, 9, 29), held_on, CALENDAR, 5)
    assert rules.notice_is_late(date(2026, 9, 30), held_on, CALENDAR, 5)
    # Counted in calendar days the 30 Sep notice would have looked ample.
    assert (held_on - date(2026, 9, 30)).days > 5


def test_only_an_accepted_open_review_can_have_a_hearing():
    assert rules.case_problems(kinds.REVIEW, "accepted") == []
    assert rules.case_problems(kinds.LITIGATION, "accepted") == ["Only review cases have hearings (听证)."]
    for status in ("received", "correcting", "suspended", "concluded", "not_accepted"):
        assert rules.case_problems(kinds.REVIEW, status), status


def test_a_schedule_needs_date_place_and_matters_and_says_all_that_is_missing():
    problems = rules.schedule_problems(kinds.REVIEW, "accepted", date(2026, 11, 2), None, " ", "", None, TODAY)
    assert problems == [
        "Give the hearing date.",
        "Give the place of the hearing.",
        "Give the matters to be heard.",
    ]
    assert (
        rules.schedule_problems(
            kinds.REVIEW,
            "accepted",
            date(2026, 11, 2),
            date(2026, 12, 14),
            "听证室",
            "处罚依据",
            date(2026, 12, 1),
            TODAY,
        )
        == []
    )


def test_a_notice_cannot_be_in_the_future_before_acceptance_or_after_the_hearing():
    accepted = date(2026, 11, 2)
    assert rules.notice_problems(date(2026, 12, 4), date(2026, 12, 20), accepted, TODAY)
    assert rules.notice_problems(date(2026, 11, 1), date(2026, 12, 20), accepted, TODAY)
    assert rules.notice_problems(date(2026, 12, 2), date(2026, 12, 1), accepted, TODAY)
    assert rules.notice_problems(date(2026, 11, 20), date(2026, 12, 1), accepted, TODAY) == []


def test_a_head_who_did_not_attend_needs_both_a_reason_and_the_staff_member_sent():
    held = date(2026, 12, 1)
    assert rules.attendance_problems(held, TODAY, False, "", None, "", "") == [
        "When the head did not attend, give the reason.",
        "When the head did not attend, name the staff member sent instead.",
    ]
    assert rules.attendance_problems(held, TODAY, False, "", None, "出差", "") == [
        "When the head did not attend, name the staff member sent instead."
    ]
    assert rules.attendance_problems(held, TODAY, False, "", None, "出差", "王科员") == []


def test_a_head_who_attended_is_named_with_a_hearing_title():
    held = date(2026, 12, 1)
    assert rules.attendance_problems(held, TODAY, True, "", "boss", "", "") == [
        "Name the head who attended.",
        "Choose the head's title.",
    ]
    assert rules.attendance_problems(held, TODAY, True, "李局长", "main", "", "") == []
    assert rules.attendance_problems(held, TODAY, None, "", None, "", "") == [
        "Say whether the respondent's head attended."
    ]


def test_attendance_is_recorded_only_from_the_hearing_day():
    assert rules.attendance_problems(date(2026, 12, 4), TODAY, True, "李局长", "main", "", "")
    assert rules.attendance_state(None) == "to_record"
    assert rules.attendance_state(True) == "attended"
    assert rules.attendance_state(False) == "absent"
