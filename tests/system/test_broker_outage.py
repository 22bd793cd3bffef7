"""With the broker (Redis) unreachable people still log in, browse, register cases, build a report and edit the
calendar — the background work runs inline — and /healthz says which dependency is down. The login throttle
slows guessing without letting one source lock others out."""

import time
from datetime import date, timedelta

import pytest
import redis
from sqlalchemy import func, select

from casetrack import broker
from casetrack.accounts.throttle import FallbackCounters, LoginThrottle, MemoryCounters, RedisCounters, build_throttle
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.reports.models import StoredReport
from casetrack.workdays.models import HolidayOverride
from tests.conftest import Auth

#: Nothing listens on port 1: a connection is refused at once, as for a stopped Redis on its own host.
DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def broker_down(app):
    saved = app.config["CASETRACK_BROKER_URL"], app.extensions["login_throttle"]
    app.config["CASETRACK_BROKER_URL"] = DEAD_BROKER
    app.extensions["login_throttle"] = build_throttle(app.config)
    broker.forget()
    yield
    app.config["CASETRACK_BROKER_URL"], app.extensions["login_throttle"] = saved
    broker.forget()


def test_with_the_broker_down_the_office_keeps_working(app, broker_down, login_as, factories, monkeypatch):
    unit = factories.unit(name="区公安分局")
    started = time.monotonic()
    clerk = login_as("mediator")  # the login throttle counts in this process instead
    assert clerk.get("/cases").status_code == 200
    registered = clerk.post(
        "/cases/new",
        data={
            "kind": "review",
            "number": "富政复〔2026〕301号",
            "procedure": "normal",
            "respondent_unit_id": unit.id,
            "applicants": "李四",
            "applicant_count": 1,
            "matter": "penalty",
            "received_on": (local_today() - timedelta(days=1)).isoformat(),
        },
    )
    assert registered.status_code == 302
    assert db.session.scalar(select(func.count(Case.id))) == 1

    built = login_as("legal").post("/reports/build", data={"year": 2020})
    assert built.status_code == 302
    assert db.session.scalar(select(func.count(StoredReport.id))) > 0

    recomputed = []
    monkeypatch.setattr(
        "casetrack.cases.services.refresh_open_case_deadlines", lambda *args: recomputed.append(True) or 0
    )
    admin = login_as("admin")
    saved = admin.post("/admin/calendar/", data={"day": "2027-01-04", "is_workday": "0", "note": "元旦调休"})
    assert saved.status_code == 200  # the page listing the open cases the day moves
    assert db.session.scalar(select(HolidayOverride.day)) == date(2027, 1, 4)
    assert recomputed == [True]  # the deadline recompute ran inline instead of waiting for a worker
    # A refused connection is answered at once, and the answer is remembered: no request waits on the broker.
    assert time.monotonic() - started < 20

    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "degraded", "checks": {"database": "ok", "broker": "unreachable"}}


def test_healthz_is_ok_when_every_configured_dependency_answers(client):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["checks"] == {"database": "ok", "broker": "not configured"}


def throttle() -> LoginThrottle:
    return LoginThrottle(MemoryCounters(), max_per_account=5, max_per_address=20, lockout_seconds=900)


def test_knowing_a_name_locks_it_only_for_the_one_guessing():
    guard = throttle()
    for _ in range(5):
        guard.record_failure("zhangwei", "10.0.0.66")
    assert guard.seconds_blocked("zhangwei", "10.0.0.66") > 0
    assert guard.seconds_blocked("zhangwei", "10.0.0.7") == 0
    assert guard.seconds_blocked("zhangwei", "10.0.0.66", device="owners-laptop") == 0


def test_spraying_names_from_one_address_does_not_lock_known_browsers_behind_it():
    guard = throttle()
    for n in range(20):
        guard.record_failure(f"name{n}", "10.0.0.1")
    assert guard.seconds_blocked("lisi", "10.0.0.1") > 0  # a browser never used here waits
    assert guard.seconds_blocked("lisi", "10.0.0.1", device="lisi-desk") == 0


def test_guessing_one_name_from_many_addresses_is_stopped_without_locking_the_owner():
    guard = throttle()
    for n in range(50):
        guard.record_failure("wangwu", f"10.1.0.{n}")
    assert guard.seconds_blocked("wangwu", "10.9.9.9") > 0
    assert guard.seconds_blocked("wangwu", "10.9.9.9", device="wangwu-phone") == 0


def test_the_throttle_counts_in_process_while_redis_is_unreachable():
    counters = FallbackCounters(RedisCounters(DEAD_BROKER))
    guard = LoginThrottle(counters, 3, 20, 60)
    for _ in range(3):
        guard.record_failure("clerk", "10.0.0.1")
    assert guard.seconds_blocked("clerk", "10.0.0.1") > 0
    with pytest.raises(redis.RedisError):
        RedisCounters(DEAD_BROKER).get("anything")


def test_the_owner_logs_in_from_a_known_browser_while_others_spray_names_from_the_same_address(app, factories):
    owner = factories.user(role="mediator")
    db.session.commit()
    known = Auth(app.test_client())
    assert known.login(owner.username).status_code == 302
    assert known.post("/logout").status_code == 302
    sprayer = Auth(app.test_client())  # the test clients share one address, as users behind one proxy do
    for n in range(25):
        sprayer.login(f"nobody{n}", "wrong-password-1")
    assert Auth(app.test_client()).login(owner.username).status_code == 429  # a new browser there waits
    assert known.login(owner.username).status_code == 302
