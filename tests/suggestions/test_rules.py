"""Reply periods and the states of a suggestion, as pure rules."""

from datetime import date

import pytest

from casetrack.suggestions import rules

DEFAULTS = rules.reply_periods("")


@pytest.mark.parametrize(
    ("kind", "received", "due"),
    [
        # 《人民检察院检察建议工作规定》 Art. 18: two months; a 31st lands on the month's last day.
        ("procuratorate", date(2026, 3, 10), date(2026, 5, 10)),
        ("procuratorate", date(2025, 12, 31), date(2026, 2, 28)),
        # Public-interest suggestions: two months (SPC/SPP interpretation Art. 21).
        ("public_interest", date(2026, 1, 5), date(2026, 3, 5)),
        # 行政复议法 Art. 76: 60 days.
        ("review_opinion", date(2026, 1, 1), date(2026, 3, 2)),
        ("review_recommendation", date(2026, 1, 1), date(2026, 3, 2)),
        # No statute: the usual 30 days of a 司法建议书.
        ("judicial", date(2026, 11, 20), date(2026, 12, 20)),
    ],
)
def test_each_type_has_its_default_reply_period_counted_in_calendar_days_or_months(kind, received, due):
    assert rules.default_reply_due(kind, received, DEFAULTS) == due


def test_every_type_names_where_its_default_comes_from():
    assert all(kind.basis and kind.reply_period for kind in rules.TYPES.values())


def test_a_configured_period_replaces_the_default_and_a_bad_one_is_refused_by_name():
    periods = rules.reply_periods("judicial=45d, procuratorate=1m")
    assert rules.default_reply_due("judicial", date(2026, 1, 1), periods) == date(2026, 2, 15)
    assert rules.default_reply_due("procuratorate", date(2026, 1, 1), periods) == date(2026, 2, 1)
    assert periods["review_opinion"] == "60d"
    with pytest.raises(ValueError, match="unknown suggestion type 'court'"):
        rules.reply_periods("court=30d")
    with pytest.raises(ValueError, match="30d or 2m"):
        rules.reply_periods("judicial=thirty")


def test_the_states_run_from_received_to_rectified_or_closed_and_nowhere_else():
    path = [
        ("received", "start"),
        ("replying", "reply"),
        ("replied", "report_rectified"),
        ("rectification_reported", "accept"),
    ]
    state = "received"
    for expected_from, action in path:
        assert state == expected_from
        state = rules.next_state(state, action)
    assert state == "rectified"
    assert rules.next_state("rectification_reported", "send_back") == "replied"
    assert rules.next_state("rectified", "close") is None
    assert rules.next_state("received", "accept") is None
    assert all(rules.next_state(state, "close") == "closed" for state in rules.OPEN_STATES)


def test_a_reply_is_on_time_on_its_due_day_and_overdue_only_while_it_is_owed():
    due = date(2026, 5, 10)
    assert rules.on_time(due, due) and not rules.on_time(date(2026, 5, 11), due)
    assert rules.reply_overdue("received", due, date(2026, 5, 11))
    assert not rules.reply_overdue("replied", due, date(2026, 5, 11))
    assert not rules.reply_overdue("replying", due, due)


def test_a_bad_configured_period_stops_the_app_at_start_naming_the_setting():
    from casetrack import create_app
    from casetrack.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="CASETRACK_SUGGESTION_REPLY_PERIODS: 'judicial=soon'"):
        create_app({"SUGGESTION_REPLY_PERIODS": "judicial=soon", "DATABASE_URL": "sqlite://"})
