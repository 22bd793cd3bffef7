"""The one helper for time: instants in UTC, shown and dated in the district's zone."""

from datetime import UTC, date, datetime, timedelta, timezone

from casetrack import clock

#: 17:30 UTC on 1 December is 01:30 on 2 December in Beijing.
LATE_EVENING_UTC = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)


def test_an_instant_late_in_the_utc_evening_is_the_next_day_in_shanghai():
    shown = clock.local(LATE_EVENING_UTC)
    assert (shown.date(), shown.hour, shown.minute) == (date(2026, 12, 2), 1, 30)
    assert shown.utcoffset() == timedelta(hours=8)
    assert clock.local_text(LATE_EVENING_UTC) == "2026-12-02 01:30"
    assert clock.local_date(LATE_EVENING_UTC) == date(2026, 12, 2)


def test_a_naive_instant_from_sqlite_was_written_in_utc():
    assert clock.as_utc(datetime(2026, 12, 1, 17, 30)) == LATE_EVENING_UTC
    assert clock.local_text(datetime(2026, 12, 1, 17, 30)) == "2026-12-02 01:30"
    # An instant given in another zone is the same instant.
    assert clock.as_utc(datetime(2026, 12, 2, 1, 30, tzinfo=timezone(timedelta(hours=8)))) == LATE_EVENING_UTC


def test_nothing_to_show_and_dates_pass_through():
    assert clock.local_text(None) == ""
    assert clock.local_date(date(2026, 12, 1)) == date(2026, 12, 1)


def test_now_and_today_follow_the_clock_in_the_district(frozen_clock):
    frozen_clock(LATE_EVENING_UTC)
    assert clock.utc_now() == LATE_EVENING_UTC
    assert clock.local_today() == date(2026, 12, 2)
    assert clock.local_now().isoformat() == "2026-12-02T01:30:00+08:00"


def test_the_zone_is_the_configured_one(app):
    app.config["CASETRACK_TIMEZONE"] = "Asia/Urumqi"
    try:
        assert clock.local_text(LATE_EVENING_UTC) == "2026-12-01 23:30"
    finally:
        app.config["CASETRACK_TIMEZONE"] = "Asia/Shanghai"


def test_an_unknown_zone_is_refused_at_start(tmp_path):
    import pytest

    from casetrack.settings import ConfigurationError, load_settings

    with pytest.raises(ConfigurationError, match="CASETRACK_TIMEZONE='Mars/Olympus'"):
        load_settings(str(tmp_path), {"TIMEZONE": "Mars/Olympus", "SECRET_KEY": "x"})


def test_an_instant_in_the_audit_trail_is_shown_in_the_district_time():
    from types import SimpleNamespace

    from casetrack.history import value_text as audit_value

    entry = SimpleNamespace(entity_type="user", field="expires_at")
    assert audit_value(entry, "2026-12-01T17:30:00.123456+00:00") == "2026-12-02 01:30"
    assert audit_value(entry, "2026-12-01") == "2026-12-01"  # a calendar date stays as it is
