from datetime import date, timedelta

from sqlalchemy import select

from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.workdays.models import HolidayOverride


def test_admin_enters_a_day_off_and_open_deadlines_move(login_as, factories):
    unit = factories.unit()
    case = factories.case(respondent_unit=unit, received_on=local_today() - timedelta(days=1))
    db.session.commit()
    due = case.next_deadline_on
    admin = login_as("admin")
    response = admin.post("/admin/calendar/", data={"day": due.isoformat(), "is_workday": "0", "note": "临时放假"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).next_deadline_on > due
    page = admin.get("/admin/calendar/").get_data(as_text=True)
    assert "临时放假" in page
    admin.post("/admin/calendar/delete", data={"day": due.isoformat()})
    db.session.expire_all()
    assert db.session.get(Case, case.id).next_deadline_on == due


def test_an_override_needs_a_note(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-02-08", "is_workday": "0", "note": ""})
    assert db.session.scalar(select(HolidayOverride)) is None


def test_admin_is_warned_about_a_year_without_a_holiday_schedule(login_as, monkeypatch):
    import casetrack.web as web
    import casetrack.workdays.views as views

    monkeypatch.setattr(web, "local_today", lambda: date(2026, 12, 1))
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 1))
    admin = login_as("admin")
    assert "2027" in admin.get("/cases").get_data(as_text=True)
    assert "2027" in admin.get("/admin/calendar/").get_data(as_text=True)
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    # One day of 2027 is not its schedule: the warning stays until the year is marked complete.
    assert "2027" in admin.get("/cases").get_data(as_text=True).split("<main>")[1].split('class="pagehead"')[0]


def test_only_admin_edits_the_calendar(login_as):
    assert login_as("legal").get("/admin/calendar/").status_code == 403
