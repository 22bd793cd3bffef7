"""听证 on both databases: scheduling, the late-notice warning, the attendance record, refusals that change nothing,
the figure (once per case, apart from the court appearance rate) and the reminders."""

import re
from datetime import date, timedelta

import pytest

from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.notifications.services import review_hearing_reminders
from casetrack.review_hearings import services
from casetrack.review_hearings.models import ReviewHearing
from casetrack.stats.queries import Period, appearance_counts, figures, review_hearing_counts

TODAY = local_today()


@pytest.fixture
def review_case(factories):
    unit = factories.unit(name="区自然资源局", head_name="陈建国")
    return factories.case(
        number="富政复〔2026〕88号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=40),
        accepted_on=TODAY - timedelta(days=35),
    )


def _schedule(case, actor=SYSTEM, **values):
    defaults = {"held_on": TODAY + timedelta(days=20), "place": "区复议局听证室", "matters": "处罚决定的事实依据"}
    return services.schedule_review_hearing(case, actor, TODAY, **{**defaults, **values})


def test_staff_schedule_a_hearing_with_its_notice_and_it_is_audited(factories, review_case):
    clerk = factories.user(role="legal")
    hearing = _schedule(review_case, clerk, notice_sent_on=TODAY)
    assert hearing.id and hearing.case is review_case and not services.notice_is_late(hearing)
    actions = db.session.query(AuditEntry.action).filter_by(entity_type="case", entity_id=review_case.id).all()
    assert ("review_hearing_scheduled",) in actions


def test_a_notice_later_than_five_working_days_is_recorded_but_late(factories, review_case):
    held_on = TODAY + timedelta(days=2)
    hearing = _schedule(review_case, held_on=held_on, notice_sent_on=TODAY)
    assert hearing.notice_sent_on == TODAY
    assert services.notice_is_late(hearing)
    assert services.latest_notice_day(hearing) < TODAY


def test_the_notice_can_be_recorded_later_and_an_old_page_is_refused(factories, review_case):
    hearing = _schedule(review_case)
    assert not services.notice_is_late(hearing)
    version = hearing.version
    services.record_notice(hearing, SYSTEM, TODAY, notice_sent_on=TODAY, expected_version=version)
    assert hearing.notice_sent_on == TODAY
    with pytest.raises(DomainError):
        services.record_notice(
            hearing, SYSTEM, TODAY, notice_sent_on=TODAY - timedelta(days=1), expected_version=version
        )
    assert hearing.notice_sent_on == TODAY


@pytest.mark.parametrize(
    "values",
    [
        {"held_on": None},
        {"place": "  "},
        {"matters": ""},
        {"notice_sent_on": TODAY + timedelta(days=1)},
        {"held_on": TODAY - timedelta(days=36)},
    ],
)
def test_a_bad_schedule_is_refused_and_adds_nothing(factories, review_case, values):
    with pytest.raises(DomainError):
        _schedule(review_case, **values)
    assert db.session.query(ReviewHearing).count() == 0


def test_no_hearing_on_a_litigation_case_an_unaccepted_review_or_by_a_unit(factories, review_case):
    litigation = factories.case(kind="litigation", respondent_unit=review_case.respondent_unit, received_on=TODAY)
    unaccepted = factories.case(respondent_unit=review_case.respondent_unit, received_on=TODAY)
    for case in (litigation, unaccepted):
        with pytest.raises(DomainError):
            _schedule(case)
    liaison = factories.user(role="unit", unit=review_case.respondent_unit)
    with pytest.raises(PermissionDenied):
        _schedule(review_case, liaison)
    assert db.session.query(ReviewHearing).count() == 0


def test_the_liaison_records_an_absence_with_reason_and_the_staff_member_sent(factories, review_case):
    hearing = _schedule(review_case, held_on=TODAY - timedelta(days=1), notice_sent_on=TODAY - timedelta(days=20))
    liaison = factories.user(role="unit", unit=review_case.respondent_unit)
    for reason, delegate in (("", "王科员"), ("外出培训", " "), ("", "")):
        with pytest.raises(DomainError):
            services.record_attendance(
                hearing, liaison, TODAY, attended=False, absence_reason=reason, delegate_name=delegate
            )
        assert hearing.head_attended is None and hearing.absence_reason is None
    services.record_attendance(
        hearing, liaison, TODAY, attended=False, absence_reason="外出培训", delegate_name="王科员"
    )
    assert (hearing.head_attended, hearing.absence_reason, hearing.delegate_name) == (False, "外出培训", "王科员")
    fields = {
        row.field
        for row in db.session.query(AuditEntry).filter_by(action="review_attendance_recorded", entity_id=review_case.id)
    }
    assert {"head_attended", "review_absence_reason", "delegate_name"} <= fields


def test_a_head_who_attended_is_named_and_a_later_change_clears_the_absence(factories, review_case):
    hearing = _schedule(review_case, held_on=TODAY)
    services.record_attendance(hearing, SYSTEM, TODAY, attended=False, absence_reason="出差", delegate_name="王科员")
    services.record_attendance(hearing, SYSTEM, TODAY, attended=True, name="陈建国", title="main")
    assert (hearing.head_name, hearing.head_title, hearing.absence_reason, hearing.delegate_name) == (
        "陈建国",
        "main",
        None,
        None,
    )
    with pytest.raises(DomainError):
        services.record_attendance(hearing, SYSTEM, TODAY, attended=True, name="", title="main")
    assert hearing.head_name == "陈建国"


def test_attendance_before_the_hearing_and_by_another_unit_is_refused(factories, review_case):
    hearing = _schedule(review_case)
    with pytest.raises(DomainError):
        services.record_attendance(hearing, SYSTEM, TODAY, attended=True, name="陈建国", title="main")
    past = _schedule(review_case, held_on=TODAY)
    outsider = factories.user(role="unit")
    with pytest.raises(PermissionDenied):
        services.record_attendance(past, outsider, TODAY, attended=True, name="冒名", title="main")
    assert past.head_attended is None


def _held(case, day, attended):
    db.session.add(
        ReviewHearing(
            case=case,
            held_on=day,
            place="听证室",
            matters="事项",
            head_attended=attended,
            head_name="陈建国" if attended else None,
            head_title="main" if attended else None,
            absence_reason=None if attended else "出差",
            delegate_name=None if attended else "王科员",
        )
    )


def test_the_attendance_rate_counts_each_review_once_and_stays_out_of_the_court_appearance_rate(factories):
    unit = factories.unit(name="区城管局")
    first = factories.case(respondent_unit=unit, received_on=date(2025, 1, 6), accepted_on=date(2025, 1, 8))
    second = factories.case(respondent_unit=unit, received_on=date(2025, 2, 3), accepted_on=date(2025, 2, 5))
    # Two hearings of one review, the head at one of them: one review required, one attended.
    _held(first, date(2025, 3, 3), False)
    _held(first, date(2025, 4, 7), True)
    _held(second, date(2025, 5, 6), False)
    _held(second, date(2026, 1, 5), True)  # another year
    db.session.flush()
    year = Period.year(2025)
    assert review_hearing_counts(year) == {"review_hearing_required": 2, "review_hearing_attended": 1}
    assert review_hearing_counts(year, unit_id=unit.id)["review_hearing_required"] == 2
    assert appearance_counts(year) == {"appearance_required": 0, "appearance_appeared": 0}
    shaped = figures(year, Period.year(2024))
    assert shaped["review_hearing"] == {"required": 2, "attended": 1, "rate_pct": 50.0}
    assert shaped["appearance"]["rate_pct"] is None
    assert figures(Period.year(2023), Period.year(2022))["review_hearing"]["rate_pct"] is None


def test_a_hearing_next_week_without_notice_or_attendance_reminds_handler_and_liaisons(factories, review_case):
    handler = factories.user(role="legal")
    review_case.handler_id = handler.id
    liaison = factories.user(role="unit", unit=review_case.respondent_unit)
    soon = _schedule(review_case, held_on=TODAY + timedelta(days=3))
    far = _schedule(review_case, held_on=TODAY + timedelta(days=30))
    db.session.flush()
    reminders = review_hearing_reminders(TODAY)
    kinds = {(r.user_id, r.kind) for r in reminders if r.url == f"/review-hearings/{soon.id}"}
    assert kinds == {
        (handler.id, "review_hearing_notice"),
        (handler.id, "review_hearing_attendance"),
        (liaison.id, "review_hearing_attendance"),
    }
    assert not [r for r in reminders if r.url == f"/review-hearings/{far.id}"]
    services.record_notice(soon, SYSTEM, TODAY, notice_sent_on=TODAY - timedelta(days=3))
    assert {r.kind for r in review_hearing_reminders(TODAY)} == {"review_hearing_attendance"}


def test_the_case_page_lists_the_hearing_and_the_liaison_records_on_its_page(factories, review_case, login_as):
    hearing = _schedule(review_case, held_on=TODAY, notice_sent_on=TODAY - timedelta(days=1))
    db.session.commit()
    staff = login_as("legal")
    case_page = staff.get(f"/cases/{review_case.id}").get_data(as_text=True)
    assert f"/review-hearings/{hearing.id}" in case_page and 'id="review-hearing-form"' in case_page
    assert "区复议局听证室" in case_page
    liaison = login_as(factories.user(role="unit", unit=review_case.respondent_unit))
    page = liaison.get(f"/review-hearings/{hearing.id}").get_data(as_text=True)
    assert 'id="notice-form"' not in page
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = liaison.post(
        f"/review-hearings/{hearing.id}/attendance",
        data={"attended": "no", "absence_reason": "", "delegate_name": "王科员", "version": version},
        follow_redirects=True,
    )
    assert "负责人未参加的，请说明理由。" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ReviewHearing, hearing.id).head_attended is None
    liaison.post(
        f"/review-hearings/{hearing.id}/attendance",
        data={"attended": "no", "absence_reason": "外出培训", "delegate_name": "王科员", "version": version},
    )
    db.session.expire_all()
    assert db.session.get(ReviewHearing, hearing.id).delegate_name == "王科员"
    outsider = login_as("unit")
    assert outsider.get(f"/review-hearings/{hearing.id}").status_code == 404


def test_staff_scheduling_a_late_notice_are_warned(factories, review_case, login_as):
    db.session.commit()
    staff = login_as("legal")
    response = staff.post(
        f"/review-hearings/new/{review_case.id}",
        data={
            "held_on": (TODAY + timedelta(days=1)).isoformat(),
            "place": "听证室",
            "matters": "事实认定",
            "notice_sent_on": TODAY.isoformat(),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "flash warn" in page
    assert db.session.query(ReviewHearing).count() == 1
