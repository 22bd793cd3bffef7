"""Dates a court sets in a lawsuit: tracked with an owner like statutory deadlines, on both databases."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.cases import queries, rules, services
from casetrack.clock import local_today
from casetrack.errors import DomainError, NotFound, PermissionDenied
from casetrack.extensions import db
from casetrack.notifications import services as notifications
from casetrack.workdays.rules import WorkCalendar, chinese_calendar_lookup

TODAY = local_today()
CALENDAR = WorkCalendar({}, chinese_calendar_lookup)


def test_a_time_limit_for_evidence_defaults_to_fifteen_days_from_service_and_rolls_past_a_holiday():
    # Served Wed 16 Sep 2026: day 15 is 1 Oct, 国庆; the period ends on the first working day after it (8 Oct).
    assert rules.default_evidence_deadline(date(2026, 9, 16), CALENDAR) == date(2026, 10, 8)
    assert rules.default_evidence_deadline(date(2026, 11, 2), CALENDAR) == date(2026, 11, 17)
    assert rules.default_evidence_deadline(None, CALENDAR) is None


def test_court_dates_are_deadlines_of_the_lawsuit_in_the_order_they_fall_due():
    case = {
        "kind": "litigation",
        "instance": "first",
        "status": "accepted",
        "received_on": date(2026, 11, 2),
        "accepted_on": date(2026, 11, 2),
        "court_dates": [
            {"kind": "pretrial_meeting", "due_on": date(2026, 12, 20), "done_on": None, "note": ""},
            {"kind": "evidence_deadline", "due_on": date(2026, 11, 17), "done_on": None, "note": ""},
        ],
    }
    deadlines = rules.compute_deadlines(case, CALENDAR)
    assert [d.code for d in deadlines][:2] == ["court_evidence_deadline", "court_pretrial_meeting"]
    assert deadlines[0].basis == "Administrative Litigation Law Art. 67" and deadlines[1].basis == "Set by the court"
    assert rules.next_open_deadline(deadlines).code == "court_evidence_deadline"


def test_a_court_date_needs_a_known_kind_a_plannable_day_and_words_for_other():
    def fields(**changes):
        values = {"kind": "litigation", "item_kind": "evidence_exchange", "due_on": TODAY, "note": "", "today": TODAY}
        values.update(changes)
        return [p.field for p in rules.court_date_problems(**values)]

    assert fields() == []
    assert fields(kind="review") == ["kind"]
    assert fields(item_kind="hearing") == ["kind"]  # 开庭 is a hearing, recorded as one
    assert fields(item_kind="other") == ["note"]
    assert fields(due_on=None) == ["due_on"]
    assert fields(due_on=date(2062, 1, 1)) == ["due_on"]


@pytest.fixture
def lawsuit(factories):
    unit = factories.unit(name="区住建局")
    clerk = factories.user(role="legal", username="clerk")
    served = TODAY - timedelta(days=20)
    case = services.register_case(
        {
            "kind": "litigation",
            "number": "(2026)浙0111行初88号",
            "respondent_unit_id": unit.id,
            "matter": "penalty",
            "applicants": [{"name": "赵某"}],
            "received_on": served,
            "accepted_on": served,
            "served_on": served,
            "defence_filed_on": served + timedelta(days=3),
            "handler_id": clerk.id,
        },
        clerk,
        TODAY,
    )
    return clerk, unit, case


def test_a_court_date_becomes_the_cases_next_deadline_until_it_is_done(factories, lawsuit):
    clerk, unit, case = lawsuit
    liaison = factories.user(role="unit", unit=unit, username="liaison")
    item = services.add_court_date(
        case, clerk, TODAY, kind="evidence_exchange", due_on=TODAY - timedelta(days=1), owner_id=liaison.id
    )
    assert (case.next_deadline_code, case.next_deadline_on) == ("court_evidence_exchange", TODAY - timedelta(days=1))
    overdue = queries.filtered(clerk, queries.CaseFilters(deadline="overdue"), TODAY, 7)
    assert [c.id for c in db.session.scalars(overdue)] == [case.id]
    (reminder,) = [r for r in notifications.court_date_reminders(TODAY, 7)]
    assert reminder.user_id == liaison.id and reminder.params["deadline_code"] == "court_evidence_exchange"

    services.complete_court_date(item, liaison, TODAY, done_on=TODAY)
    assert case.next_deadline_code == "first_instance_judgment"
    assert notifications.court_date_reminders(TODAY, 7) == []
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == case.id)).all()
    assert {"court_date_added", "court_date_done"} <= set(actions)


def test_a_time_limit_for_evidence_without_a_date_is_due_fifteen_days_after_service(lawsuit):
    clerk, _unit, case = lawsuit
    item = services.add_court_date(case, clerk, TODAY, kind="evidence_deadline", due_on=None, owner_id=None)
    from casetrack.workdays.services import current_calendar

    assert item.due_on == current_calendar().add_calendar_days(case.served_on, 15)
    assert item.owner_id == clerk.id  # whoever records it answers for it unless someone else is named


def test_a_removed_court_date_leaves_its_trace_and_another_units_liaison_cannot_touch_it(factories, lawsuit):
    clerk, _unit, case = lawsuit
    item = services.add_court_date(
        case, clerk, TODAY, kind="pronouncement", due_on=TODAY + timedelta(days=9), owner_id=0
    )
    outsider = factories.user(role="unit", unit=factories.unit(name="新登镇"), username="outsider")
    with pytest.raises(PermissionDenied):
        services.remove_court_date(item, outsider)
    with pytest.raises(DomainError):
        services.add_court_date(case, clerk, TODAY, kind="other", due_on=TODAY, owner_id=outsider.id, note="质证")
    services.remove_court_date(item, clerk)
    assert [c.withdrawn for c in case.court_dates] == [True] and case.next_deadline_code == "first_instance_judgment"
    with pytest.raises(DomainError):
        services.remove_court_date(item, clerk)
    (entry,) = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity_id == case.id,
            AuditEntry.action == "court_date_removed",
            AuditEntry.field == "court_date_kind",
        )
    )
    assert entry.before == "pronouncement"
    with pytest.raises(NotFound):
        queries.court_date_of(case, item.id + 1000)


def test_the_hearing_calendar_shows_the_courts_other_dates(login_as, lawsuit):
    clerk, _unit, case = lawsuit
    services.add_court_date(case, clerk, TODAY, kind="pretrial_meeting", due_on=TODAY + timedelta(days=1), owner_id=0)
    db.session.commit()
    page = login_as(clerk).get(f"/hearings/calendar?view=month&start={(TODAY + timedelta(days=1)).isoformat()}")
    text = page.get_data(as_text=True)
    assert "庭前会议" in text and case.number in text
