from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.workdays.models import CalendarYear, HolidayOverride

#: A made-up 2027 schedule in the notice's shape (chinese-calendar stops at 2026).
SCHEDULE_2027 = """元旦 2027-01-01 至 2027-01-03 休
春节 2027-02-05 至 2027-02-11 休
春节 2027-02-14 班
清明节 2027-04-05 休
劳动节 2027-05-01 至 2027-05-05 休
端午节 2027-06-09 休
国庆节、中秋节 2027-10-01 至 2027-10-07 休
"""
#: 2027 days the library cannot give.
DAYS_2027 = 3 + 7 + 1 + 1 + 5 + 1 + 7


def overrides():
    db.session.expire_all()
    return {row.day: (row.is_workday, row.note) for row in db.session.scalars(select(HolidayOverride))}


def audit_entries(entity_type):
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == entity_type)))


def banner(page: str) -> str:
    """The page body above its own content: where the admin's calendar warning is shown."""
    return page.split("<main")[1].split('<div class="pagehead">')[0]


@pytest.fixture
def december_2026(monkeypatch):
    """Today is 1 Dec 2026: 2027, next year, has no schedule in the library."""
    import casetrack.web as web
    import casetrack.workdays.views as views

    monkeypatch.setattr(web, "local_today", lambda: date(2026, 12, 1))
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 12, 1))


@pytest.fixture
def crossing_case(factories):
    """A review case received Tue 29 Dec 2026: admission is examined within 5 working days, into 2027. By weekends
    alone that is Tue 5 Jan; with 元旦 (1–3 Jan) off it is Wed 6 Jan."""
    case = factories.case(number="富政复〔2026〕99号", received_on=date(2026, 12, 29))
    db.session.commit()
    assert case.next_deadline_on == date(2027, 1, 5)
    return case


def next_deadline(case):
    db.session.expire_all()
    return db.session.get(Case, case.id).next_deadline_on


def preview(admin, text=SCHEDULE_2027, **fields):
    return admin.post("/admin/calendar/schedule", data={"year": "2027", "text": text, **fields})


def confirm_fields(page: str) -> dict:
    """The hidden fields of the preview's confirmation form, as a browser would send them back."""
    import html
    import re

    form = page.split('class="confirm-schedule"')[1].split("</form>")[0]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) not in ("csrf_token", "overwrite"):
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def test_admin_enters_a_day_off_and_open_deadlines_move(login_as, factories):
    unit = factories.unit()
    case = factories.case(respondent_unit=unit, received_on=local_today() - timedelta(days=1))
    db.session.commit()
    due = case.next_deadline_on
    admin = login_as("admin")
    response = admin.post("/admin/calendar/", data={"day": due.isoformat(), "is_workday": "0", "note": "临时放假"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert case.number in page  # the moved case is listed
    moved = next_deadline(case)
    assert moved > due
    assert moved.isoformat() in page
    assert "临时放假" in admin.get("/admin/calendar/").get_data(as_text=True)
    admin.post("/admin/calendar/delete", data={"day": due.isoformat()})
    assert next_deadline(case) == due


def test_an_override_needs_a_note(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-02-08", "is_workday": "0", "note": ""})
    assert db.session.scalar(select(HolidayOverride)) is None


def test_the_warning_and_the_estimate_mark_stay_until_the_year_is_marked_complete(
    login_as, december_2026, crossing_case
):
    admin = login_as("admin")
    assert "2027" in banner(admin.get("/cases").get_data(as_text=True))
    assert "calendar-missing" in admin.get("/admin/calendar/").get_data(as_text=True)
    # Two days entered — the 元旦 holiday, nothing of 春节 — are used, but do not make 2027 known.
    for day in ("2027-01-01", "2027-01-02"):
        admin.post("/admin/calendar/", data={"day": day, "is_workday": "0", "note": "元旦"})
    assert next_deadline(crossing_case) == date(2027, 1, 6)
    assert "2027" in banner(admin.get("/cases").get_data(as_text=True))
    detail = admin.get(f"/cases/{crossing_case.id}").get_data(as_text=True)
    assert "2027-01-06 *" in detail
    calendar_page = admin.get("/admin/calendar/").get_data(as_text=True)
    assert "calendar-missing" in calendar_page
    assert "春节" in calendar_page.split('id="year-2027"')[1].split("</tr>")[0]  # named as missing

    done = admin.post("/admin/calendar/years/2027/complete", data={"source": "国办发明电〔2026〕7号"})
    assert done.status_code == 200
    assert crossing_case.number in done.get_data(as_text=True)  # its deadline lost the estimate mark
    assert "2027" not in banner(admin.get("/cases").get_data(as_text=True))
    detail = admin.get(f"/cases/{crossing_case.id}").get_data(as_text=True)
    assert "2027-01-06 *" not in detail and "2027-01-06" in detail
    assert "calendar-missing" not in admin.get("/admin/calendar/").get_data(as_text=True)
    row = db.session.get(CalendarYear, 2027)
    assert row.complete and row.source == "国办发明电〔2026〕7号" and row.completed_by_id == admin.user.id
    assert [(e.action, e.field, e.after) for e in audit_entries("calendar_year")] == [
        ("completed", "complete", "True"),
        ("completed", "source", "国办发明电〔2026〕7号"),
    ]

    reopened = admin.post("/admin/calendar/years/2027/reopen")
    assert reopened.status_code == 200
    assert "2027" in banner(admin.get("/cases").get_data(as_text=True))
    assert "2027-01-06 *" in admin.get(f"/cases/{crossing_case.id}").get_data(as_text=True)
    assert audit_entries("calendar_year")[-1].action == "reopened"


def test_a_year_is_not_marked_complete_without_a_source_or_days(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/years/2027/complete", data={"source": "国办发明电〔2026〕7号"})
    assert db.session.get(CalendarYear, 2027) is None  # nothing entered yet
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    admin.post("/admin/calendar/years/2027/complete", data={"source": " "})
    assert db.session.get(CalendarYear, 2027) is None
    admin.post("/admin/calendar/years/2026/complete", data={"source": "国办发明电〔2025〕7号"})
    assert db.session.get(CalendarYear, 2026) is None  # the library knows 2026
    assert audit_entries("calendar_year") == []


def test_re_entering_a_day_asks_before_overwriting_it(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    asked = admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "1", "note": "调休上班"})
    assert asked.status_code == 409
    page = asked.get_data(as_text=True)
    assert "2027-01-01" in page and "confirm-overwrite" in page and "元旦" in page
    assert overrides() == {date(2027, 1, 1): (False, "元旦")}
    assert [e.action for e in audit_entries("holiday_override")] == ["created", "created"]  # one per field

    confirmed = admin.post(
        "/admin/calendar/", data={"day": "2027-01-01", "is_workday": "1", "note": "调休上班", "overwrite": "1"}
    )
    assert confirmed.status_code == 200
    assert overrides() == {date(2027, 1, 1): (True, "调休上班")}
    updated = [(e.field, e.before, e.after) for e in audit_entries("holiday_override") if e.action == "updated"]
    assert updated == [("is_workday", "False", "True"), ("note", "元旦", "调休上班")]


def test_re_entering_a_day_as_it_is_changes_nothing(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    again = admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    assert again.status_code == 302
    assert len(audit_entries("holiday_override")) == 2


def test_a_pasted_schedule_is_previewed_then_entered_and_moves_the_deadline(login_as, december_2026, crossing_case):
    admin = login_as("admin")
    shown = preview(admin, complete="y", source="国办发明电〔2026〕7号")
    assert shown.status_code == 200
    page = shown.get_data(as_text=True)
    assert page.count('class="change-new"') == DAYS_2027
    assert crossing_case.number in page and "2027-01-05 *" in page and "2027-01-06" in page
    assert overrides() == {}  # a preview writes nothing
    assert db.session.get(CalendarYear, 2027) is None

    entered = admin.post("/admin/calendar/schedule/confirm", data=confirm_fields(page))
    assert entered.status_code == 200
    assert crossing_case.number in entered.get_data(as_text=True)
    assert len(overrides()) == DAYS_2027
    assert overrides()[date(2027, 2, 14)] == (True, "春节")
    assert db.session.get(CalendarYear, 2027).complete
    # The recompute ran (inline: the tests have no broker) and the deadline skips 元旦.
    assert next_deadline(crossing_case) == date(2027, 1, 6)
    assert "2027" not in banner(admin.get("/cases").get_data(as_text=True))
    assert "2027-01-06 *" not in admin.get(f"/cases/{crossing_case.id}").get_data(as_text=True)

    days = audit_entries("holiday_override")
    assert len({e.entity_id for e in days}) == DAYS_2027 and {e.action for e in days} == {"created"}
    assert {e.comment for e in days} == {"国办发明电〔2026〕7号"}
    year = [(e.action, e.field, e.after) for e in audit_entries("calendar_year")]
    assert ("schedule_entered", "days_new", str(DAYS_2027)) in year
    assert ("completed", "complete", "True") in year


def test_a_schedule_that_overwrites_entered_days_asks_first(login_as, crossing_case):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "1", "note": "误录"})
    page = preview(admin).get_data(as_text=True)
    assert page.count('class="change-overwrite"') == 1 and 'name="overwrite"' in page
    fields = confirm_fields(page)
    entries = len(audit_entries("holiday_override"))

    refused = admin.post("/admin/calendar/schedule/confirm", data=fields)
    assert refused.status_code == 409
    assert "1" in refused.get_data(as_text=True) and 'name="overwrite"' in refused.get_data(as_text=True)
    assert overrides() == {date(2027, 1, 1): (True, "误录")}
    assert len(audit_entries("holiday_override")) == entries

    entered = admin.post("/admin/calendar/schedule/confirm", data={**fields, "overwrite": "y"})
    assert entered.status_code == 200
    assert overrides()[date(2027, 1, 1)] == (False, "元旦")
    changed = [(e.field, e.before, e.after) for e in audit_entries("holiday_override") if e.action == "updated"]
    assert changed == [("is_workday", "True", "False"), ("note", "误录", "元旦")]
    assert db.session.get(CalendarYear, 2027) is None  # entered, not marked complete
    assert next_deadline(crossing_case) == date(2027, 1, 6)


def test_a_preview_confirmed_after_someone_else_changed_the_calendar_is_refused(login_as):
    admin = login_as("admin")
    fields = confirm_fields(preview(admin).get_data(as_text=True))
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "1", "note": "误录"})
    refused = admin.post("/admin/calendar/schedule/confirm", data={**fields, "overwrite": "y"})
    assert refused.status_code == 409
    assert overrides() == {date(2027, 1, 1): (True, "误录")}


def test_a_bad_line_is_refused_by_name_and_nothing_changes(login_as):
    admin = login_as("admin")
    response = preview(admin, SCHEDULE_2027.replace("2027-02-11", "2027-02-31"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "第2行" in page and "春节 2027-02-05 至 2027-02-31 休" in page and "2027-02-31" in page
    assert "confirm-schedule" not in page
    # The text stays in the box to be corrected.
    assert "国庆节、中秋节 2027-10-01" in page
    # A confirmation forged with the bad text is refused too.
    fields = confirm_fields(preview(admin).get_data(as_text=True))
    forged = admin.post("/admin/calendar/schedule/confirm", data={**fields, "text": SCHEDULE_2027 + "2027-02-15 班\n"})
    assert forged.status_code == 400
    assert overrides() == {}
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity_type != "user")) == 0


def test_a_year_the_library_knows_takes_no_schedule(login_as):
    admin = login_as("admin")
    response = admin.post("/admin/calendar/schedule", data={"year": "2026", "text": "劳动节 2026-05-01 休"})
    assert response.status_code == 400
    assert overrides() == {}


def test_a_schedule_can_be_uploaded_as_csv(login_as):
    import io

    admin = login_as("admin")
    csv = (
        "名称,开始日期,结束日期,休/班\n元旦,2027-01-01,2027-01-03,休\n春节,2027-02-05,2027-02-11,休\n,2027-02-14,,班\n"
    )
    response = admin.post(
        "/admin/calendar/schedule",
        data={"year": "2027", "text": "", "file": (io.BytesIO(csv.encode("utf-8")), "2027.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('class="change-new"') == 3 + 7 + 1
    admin.post("/admin/calendar/schedule/confirm", data=confirm_fields(page))
    assert overrides()[date(2027, 2, 14)] == (True, "调休上班")


def test_the_schedule_page_offers_the_days_entered_for_correction(login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar/", data={"day": "2027-01-01", "is_workday": "0", "note": "元旦"})
    page = admin.get("/admin/calendar/schedule?year=2027").get_data(as_text=True)
    assert "元旦 2027-01-01 休" in page


def test_only_admin_edits_the_calendar(login_as):
    legal = login_as("legal")
    assert legal.get("/admin/calendar/").status_code == 403
    assert legal.get("/admin/calendar/schedule").status_code == 403
    assert legal.post("/admin/calendar/schedule", data={"year": "2027", "text": SCHEDULE_2027}).status_code == 403
    assert legal.post("/admin/calendar/years/2027/complete", data={"source": "x"}).status_code == 403


def test_marking_a_pasted_year_complete_needs_its_source_and_keeps_the_text(login_as):
    admin = login_as("admin")
    response = preview(admin, complete="y", source="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "国办发明电〔2026〕7号" in page and "国庆节、中秋节 2027-10-01" in page
    assert overrides() == {}


def test_the_recompute_is_queued_for_the_worker_once_the_schedule_is_committed(login_as, monkeypatch):
    import casetrack.workdays.views as views

    queued = []
    monkeypatch.setattr(views, "enqueue", lambda task, *args: queued.append((task.name, overrides() != {})))
    admin = login_as("admin")
    page = preview(admin).get_data(as_text=True)
    assert queued == []  # a preview changes nothing, so nothing is recomputed
    admin.post("/admin/calendar/schedule/confirm", data=confirm_fields(page))
    assert queued == [("cases.refresh_deadlines", True)]  # queued after the days were committed
