"""The days the register takes (issue 11 item 6): nothing before the floor, nothing in the future that must have
happened, on every road in — the forms, the services, the ledger — with a message in Chinese and nothing saved."""

import html
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from casetrack import dates
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.hearings import services as hearings
from casetrack.hearings.models import Hearing
from casetrack.interviews import services as interviews
from casetrack.mediation.models import Mediation
from casetrack.risk import services as risk
from casetrack.risk.models import ActionItem, RiskCase
from casetrack.settings import ConfigurationError, load_settings
from tests.factories import case_form
from tests.ledger.actions import error_rows, upload

TODAY = local_today()


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_floor_and_today_bound_a_day_that_happened():
    assert dates.happened_problems(date(1990, 1, 1), TODAY) == []
    assert dates.happened_problems(TODAY, TODAY) == []
    (before,) = dates.happened_problems(date(1989, 12, 31), TODAY)
    assert before.params == {"earliest": "1990-01-01"}
    assert dates.happened_problems(TODAY + timedelta(days=1), TODAY) == ["The date is in the future."]


def test_a_planned_day_may_be_past_or_ahead_but_not_a_typing_slip():
    assert dates.planned_problems(TODAY - timedelta(days=30), TODAY) == []
    assert dates.planned_problems(TODAY + timedelta(days=365), TODAY) == []
    assert dates.planned_problems(date(1900, 1, 1), TODAY)
    assert dates.planned_problems(TODAY.replace(year=TODAY.year + 36), TODAY)


def test_the_floor_is_configured_and_a_bad_one_stops_the_start(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "CASETRACK_EARLIEST_DATE", "2000-01-01")
    assert dates.earliest() == date(2000, 1, 1)
    assert dates.happened_problems(date(1999, 6, 1), TODAY)
    monkeypatch.setenv("CASETRACK_EARLIEST_DATE", "1990-13-01")
    with pytest.raises(ConfigurationError, match="EARLIEST_DATE"):
        load_settings(str(tmp_path))


def review_form(unit, **changes) -> dict:
    return case_form(unit, TODAY, **changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on": "1900-01-01"}, "不接受早于1990-01-01的日期"),
        ({"received_on": (TODAY + timedelta(days=1)).isoformat()}, "日期晚于今天"),
        ({"accepted_on": "1989-12-31", "received_on": "1990-01-01"}, "不接受早于1990-01-01的日期"),
        ({"accepted_on": (TODAY + timedelta(days=3)).isoformat()}, "日期晚于今天"),
    ],
)
def test_the_case_form_refuses_a_day_before_the_floor_or_in_the_future(login_as, factories, changes, message):
    unit = factories.unit()
    db.session.commit()
    response = login_as("mediator").post("/cases/new", data=review_form(unit, **changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert count(Case) == 0


def test_the_ledger_refuses_a_case_received_in_1900_naming_the_row(login_as, factories, tmp_path):
    factories.unit(name="区住建局")
    db.session.commit()
    book = Workbook()
    sheet = book.active
    sheet.title = "案件"
    sheet.append(["案号", "类型", "被申请人/被告", "申请人/原告", "收案日期"])
    sheet.append(["富政复〔2026〕1号", "行政复议", "区住建局", "张三", "2026-01-05"])
    sheet.append(["富政复〔2026〕2号", "行政复议", "区住建局", "李四", "1900-01-01"])
    book.save(tmp_path / "cases.xlsx")
    preview = upload(login_as("mediator"), tmp_path / "cases.xlsx")
    rows = error_rows(preview)
    assert [(row[1], row[3]) for row in rows] == [("3", "不接受早于1990-01-01的日期。")]
    assert count(Case) == 0


def test_a_mediation_received_before_the_floor_is_refused_on_its_form(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    client = login_as("mediator")
    response = client.post(
        "/mediations/new",
        data={
            "number": "富调〔2026〕9号",
            "respondent_unit_id": unit.id,
            "source": "pre_filing",
            "mediator_id": client.user.id,
            "parties": "王某与区住建局",
            "received_on": "1901-05-04",
        },
    )
    assert "不接受早于1990-01-01的日期" in page_text(response)
    assert count(Mediation) == 0


def test_a_hearing_set_decades_ahead_or_before_the_floor_is_refused(factories):
    case = factories.case(kind="litigation", number="(2026)浙0183行初1号", received_on=TODAY - timedelta(days=5))
    actor = factories.user(role="mediator")
    for day, message in ((date(2062, 3, 1), "check the year"), (date(1900, 3, 1), "are not accepted")):
        with pytest.raises(DomainError) as refused:
            hearings.schedule_hearing(case, actor, held_on=day, court="富阳区人民法院")
        assert message in str(refused.value)
    hearings.schedule_hearing(case, actor, held_on=TODAY + timedelta(days=20), court="富阳区人民法院")
    assert count(Hearing) == 1


def test_an_interview_and_its_rectification_cannot_predate_the_floor(factories):
    legal, unit = factories.user(role="legal"), factories.unit()
    data = {"leader_name": "区长", "unit_id": unit.id, "interviewee": "局长", "reason": "loss", "case_ids": []}
    with pytest.raises(DomainError, match="are not accepted"):
        interviews.record_interview({**data, "held_on": date(1980, 1, 1)}, legal, TODAY)
    interview = interviews.record_interview({**data, "held_on": TODAY}, legal, TODAY)
    with pytest.raises(DomainError, match="future"):
        interviews.mark_rectified(interview, legal, TODAY + timedelta(days=1), TODAY)


@pytest.fixture
def task_force(factories):
    unit = factories.unit(name="区住建局")
    legal = factories.user(role="legal")
    liaison = factories.user(role="unit", unit=unit)
    case = factories.case(number="补录1号", respondent_unit=unit, received_on=TODAY - timedelta(days=60))
    risk.flag_case(case, "hand", "多次信访", factories.user(role="mediator"), TODAY)
    entry = db.session.scalar(select(RiskCase).where(RiskCase.case_id == case.id))
    risk.confirm(entry, legal, legal_lead=legal, unit_lead=liaison)
    db.session.commit()
    return {"entry": entry, "legal": legal, "liaison": liaison}


def test_a_measure_recorded_after_the_fact_may_have_a_past_due_date(task_force, login_as):
    entry, liaison = task_force["entry"], task_force["liaison"]
    client = login_as(task_force["legal"])
    past_due = (TODAY - timedelta(days=20)).isoformat()
    item = {"text": "约谈信访人", "side": "unit", "owner_id": liaison.id, "due_on": past_due}
    refused = client.post(f"/risk/{entry.id}/items", data=item, follow_redirects=True)
    assert "截止日期不能早于今天" in page_text(refused)
    assert count(ActionItem) == 0

    done = (TODAY - timedelta(days=21)).isoformat()
    client.post(f"/risk/{entry.id}/items", data={**item, "done_on": done, "done_evidence": "谈话笔录"})
    recorded = db.session.scalars(select(ActionItem)).one()
    assert (recorded.due_on.isoformat(), recorded.done_on.isoformat(), recorded.evidence) == (
        past_due,
        done,
        "谈话笔录",
    )
    page = page_text(client.get(f"/risk/{entry.id}"))
    assert "谈话笔录" in page and 'class="overdue"' not in page


def test_a_measure_done_after_the_fact_still_needs_its_evidence_and_a_real_day(task_force):
    entry, legal, liaison = task_force["entry"], task_force["legal"], task_force["liaison"]
    past = TODAY - timedelta(days=3)
    item = {"text": "补充证据", "side": "unit", "owner": liaison, "due_on": past, "today": TODAY}
    with pytest.raises(DomainError, match="evidence"):
        risk.add_item(entry, legal, **item, done_on=past)
    with pytest.raises(DomainError, match="future"):
        risk.add_item(entry, legal, **item, done_on=TODAY + timedelta(days=1), evidence="x")
    with pytest.raises(DomainError, match="before the date received"):
        risk.add_item(entry, legal, **{**item, "due_on": TODAY - timedelta(days=400)}, done_on=past, evidence="x")
    assert count(ActionItem) == 0
