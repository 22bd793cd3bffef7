"""The calendar's services on their own: what a change moves, worked out before it is made."""

from datetime import date

import pytest

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases.services import deadline_moves, refresh_open_case_deadlines
from casetrack.errors import PermissionDenied
from casetrack.extensions import db
from casetrack.workdays import services
from casetrack.workdays.services import current_calendar

SCHEDULE = "元旦 2027-01-01 至 2027-01-03 休\n春节 2027-02-05 至 2027-02-11 休\n2027-02-14 班"


def test_a_planned_schedule_lists_the_cases_it_moves_and_writes_nothing(factories):
    factories.case(number="跨年1号", received_on=date(2026, 12, 29))  # due 5 Jan 2027 by weekends
    factories.case(number="春节1号", received_on=date(2027, 2, 3))  # due 10 Feb 2027 by weekends
    untouched = factories.case(number="年内1号", received_on=date(2026, 11, 2))
    concluded = factories.case(number="已结1号", received_on=date(2026, 12, 29), concluded_on=date(2026, 12, 30))
    db.session.flush()
    change = services.plan_schedule(2027, SCHEDULE, SYSTEM)
    moved = {m.number: (m.before, m.before_estimated, m.after, m.after_estimated) for m in change.moved}
    assert moved == {
        "跨年1号": (date(2027, 1, 5), True, date(2027, 1, 6), True),
        # Received Wed 3 Feb: 4, 12 (after 春节), 14 (the worked Sunday), 15, 16 Feb.
        "春节1号": (date(2027, 2, 10), True, date(2027, 2, 16), True),
    }
    assert change.moved_count == 2
    assert [m.number for m in change.moved] == ["跨年1号", "春节1号"]  # soonest first
    assert untouched.number not in moved and concluded.number not in moved
    assert services.all_overrides() == []
    assert change.missing_holidays == ["清明节", "劳动节", "端午节", "中秋节", "国庆节"]


def test_the_listed_moves_are_what_the_recompute_then_writes(factories):
    cases = [factories.case(received_on=date(2026, 12, 21 + offset)) for offset in range(10)]
    db.session.flush()
    change = services.plan_schedule(2027, SCHEDULE, SYSTEM, complete=True, source="国办发明电〔2026〕7号")
    services.apply_schedule(2027, SCHEDULE, SYSTEM, digest=change.digest, complete=True, source="国办发明电〔2026〕7号")
    assert refresh_open_case_deadlines() == sum(m.before != m.after for m in change.moved)
    for case in cases:
        db.session.refresh(case)
    after = {m.case_id: m.after for m in change.moved}
    assert all(case.next_deadline_on == after.get(case.id, case.next_deadline_on) for case in cases)
    # Every case whose deadline reaches into 2027 loses its estimate mark, moved or not.
    crossing = [case for case in cases if case.next_deadline_on.year == 2027]
    assert {m.case_id for m in change.moved if m.before_estimated and not m.after_estimated} == {
        case.id for case in crossing
    }


def test_moves_are_counted_past_the_listed_few(factories):
    for _ in range(5):
        factories.case(received_on=date(2026, 12, 29))
    db.session.flush()
    before = current_calendar()
    after = before.with_changes({date(2027, 1, 1): False}, set())
    count, listed = deadline_moves(before, after, date(2027, 1, 1), limit=2, batch_size=2)
    assert (count, len(listed)) == (5, 2)


def test_only_an_administrator_changes_the_calendar(factories):
    legal = factories.user(role="legal")
    with pytest.raises(PermissionDenied):
        services.set_override(date(2027, 1, 1), False, "元旦", legal)
    with pytest.raises(PermissionDenied):
        services.plan_schedule(2027, SCHEDULE, legal)
    with pytest.raises(PermissionDenied):
        services.complete_year(2027, "国办发明电〔2026〕7号", legal)
