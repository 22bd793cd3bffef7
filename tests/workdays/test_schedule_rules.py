"""Reading a year's holiday schedule from lines (issue 11, item 1): pure, no app."""

from datetime import date

from casetrack.workdays import rules
from casetrack.workdays.rules import DayChange, parse_schedule, plan_schedule

SCHEDULE_2027 = """# 国办发明电〔2026〕7号（测试用）
元旦 2027-01-01 至 2027-01-03 休
春节 2027-02-05 至 2027-02-11 休
春节 2027-02-14 班
2027/2/20 上班
清明节 2027年4月5日 休
劳动节 2027-05-01 至 2027-05-05 放假调休
端午节 2027-06-09 休
国庆节、中秋节 2027-10-01 ~ 2027-10-07 休
"""


def _reasons(schedule):
    return [(problem.line, problem.reason) for problem in schedule.problems]


def test_a_whole_schedule_gives_every_day_with_its_name():
    schedule = parse_schedule(SCHEDULE_2027, 2027)
    assert schedule.ok, schedule.problems
    days = {d.day: (d.is_workday, d.note) for d in schedule.days}
    assert days[date(2027, 1, 2)] == (False, "元旦")
    assert days[date(2027, 2, 11)] == (False, "春节")
    assert days[date(2027, 2, 14)] == (True, "春节")
    assert days[date(2027, 2, 20)] == (True, rules.DEFAULT_WORKDAY_NOTE)
    assert days[date(2027, 4, 5)] == (False, "清明节")
    assert days[date(2027, 10, 7)] == (False, "国庆节、中秋节")
    assert len(days) == 3 + 7 + 2 + 1 + 5 + 1 + 7
    assert rules.missing_holidays(note for is_workday, note in days.values() if not is_workday) == []


def test_a_bad_line_is_named_and_nothing_is_used():
    schedule = parse_schedule("元旦 2027-01-01 至 2027-01-03 休\n春节 2027-02-30 休\n国庆 十月一日 休\n", 2027)
    assert not schedule.ok
    assert schedule.days == ()
    assert [(p.line, p.text) for p in schedule.problems] == [(2, "春节 2027-02-30 休"), (3, "国庆 十月一日 休")]
    assert dict(schedule.problems[0].params) == {"value": "2027-02-30"}


def test_lines_that_would_silently_distort_deadlines_are_refused():
    text = "\n".join(
        [
            "春节 2027-02-05 至 2027-03-11 休",  # five weeks off: a typo
            "2027-02-15 班",  # a Monday: a working day anyway
            "劳动节 2026-05-01 休",  # another year
            "2027-02-05 至 2027-02-01 休",  # backwards
            "2027-06-09 休",  # no name
            "端午节 2027-06-09 休",
            "2027-06-12 至 2027-06-13 班",
            "端午 2027-06-13 休",  # contradicts the line before
        ]
    )
    assert _reasons(parse_schedule(text, 2027)) == [
        (1, rules._TOO_LONG),
        (2, rules._WEEKDAY_WORKED),
        (3, rules._OUTSIDE_YEAR),
        (4, "The last day is before the first."),
        (5, "Name the holiday, e.g. 春节 2027-02-05 至 2027-02-11 休."),
        (8, rules._CONTRADICTS),
    ]


def test_a_schedule_may_start_in_the_december_before_for_new_years_day():
    # 2019's 元旦: 30 Dec 2018 to 1 Jan 2019 off, Saturday 29 Dec 2018 worked.
    schedule = parse_schedule("元旦 2018-12-30 至 2019-01-01 休\n2018-12-29 班", 2019)
    assert schedule.ok
    assert [d.day for d in schedule.days] == [
        date(2018, 12, 29),
        date(2018, 12, 30),
        date(2018, 12, 31),
        date(2019, 1, 1),
    ]
    assert not parse_schedule("元旦 2018-11-30 休", 2019).ok


def test_an_empty_schedule_is_refused():
    assert _reasons(parse_schedule("\n# only a comment\n", 2027)) == [(0, rules._EMPTY)]


def test_the_plan_says_what_is_new_overwritten_unchanged_or_removed():
    existing = {date(2027, 1, 1): (True, "误录"), date(2027, 1, 2): (False, "元旦"), date(2027, 3, 1): (False, "误录")}
    schedule = parse_schedule("元旦 2027-01-01 至 2027-01-03 休", 2027)
    kinds = {c.day: c.kind for c in plan_schedule(schedule, existing)}
    assert kinds == {date(2027, 1, 1): "overwrite", date(2027, 1, 2): "unchanged", date(2027, 1, 3): "new"}
    removing = {c.day: c.kind for c in plan_schedule(schedule, existing, remove_others=True)}
    assert removing[date(2027, 3, 1)] == "remove"
    assert [c.day for c in plan_schedule(schedule, existing, True) if c.replaces_an_entry] == [
        date(2027, 1, 1),
        date(2027, 3, 1),
    ]


def test_the_digest_changes_with_what_is_entered_meanwhile():
    day = date(2027, 1, 1)
    assert rules.plan_digest([DayChange(day, None, (False, "元旦"))], False) != rules.plan_digest(
        [DayChange(day, (True, "班"), (False, "元旦"))], False
    )
    assert rules.plan_digest([], False) != rules.plan_digest([], True)


def test_entered_days_read_back_as_the_lines_they_came_from():
    schedule = parse_schedule(SCHEDULE_2027, 2027)
    days = {d.day: (d.is_workday, d.note) for d in schedule.days}
    again = parse_schedule(rules.schedule_lines(days), 2027)
    assert {d.day: (d.is_workday, d.note) for d in again.days} == days
    assert rules.schedule_lines(days).splitlines()[0] == "元旦 2027-01-01 至 2027-01-03 休"


def test_a_spreadsheet_row_becomes_a_line_and_a_header_is_skipped():
    header = ["名称", "开始日期", "结束日期", "休/班"]
    rows = [["春节", date(2027, 2, 5), date(2027, 2, 11), "休"], [None, date(2027, 2, 14), None, "班"]]
    assert rules.lines_of_rows(header, rows) == "春节 2027-02-05 2027-02-11 休\n2027-02-14 班"
    assert rules.lines_of_rows(["元旦", "2027-01-01", "", "休"], []) == "元旦 2027-01-01 休"
    assert parse_schedule(rules.lines_of_rows(header, rows), 2027).ok
