"""A case number (案号) typed with full-width or half-width characters is one number: the registration form refuses
it twice, a search in either form finds it, and it is shown and exported exactly as it was typed."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db
from tests.cases.test_views import numbers_in

FULL = "（２０２６）浙０１８３行初９０２号"
HALF = "(2026)浙0183行初902号"
MIXED = "（2026）浙0183行初902号"


def registration(unit, number):
    return {
        "kind": "litigation",
        "number": number,
        "instance": "first",
        "procedure": "normal",
        "respondent_unit_id": unit.id,
        "applicants": "李四",
        "applicant_count": 1,
        "matter": "penalty",
        "received_on": (local_today() - timedelta(days=1)).isoformat(),
        "outcome": "",
    }


def test_registering_a_number_again_in_another_width_is_refused(login_as, factories):
    unit = factories.unit(name="区公安分局")
    db.session.commit()
    client = login_as("legal")
    assert client.post("/cases/new", registration(unit, FULL)).status_code == 302
    for other in (HALF, MIXED, " (2026) 浙0183行初902号 "):
        response = client.post("/cases/new", registration(unit, other))
        assert response.status_code == 400, other
        assert "同类型案件中已存在该案号。" in response.get_data(as_text=True)
    assert db.session.scalars(select(Case.number)).all() == [FULL]


def test_editing_a_case_to_another_cases_number_in_another_width_is_refused(factories):
    from casetrack.cases.services import CaseInvalid, update_case

    factories.case(kind="litigation", number=FULL)
    second = factories.case(kind="litigation", number="(2026)浙0183行初903号")
    legal = factories.user(role="legal")
    db.session.commit()
    with pytest.raises(CaseInvalid) as refusal:
        update_case(second, {"number": HALF}, legal, local_today(), second.version)
    assert [problem.field for problem in refusal.value.problems] == ["number"]
    db.session.rollback()
    assert sorted(db.session.scalars(select(Case.number))) == ["(2026)浙0183行初903号", FULL]


def test_a_search_in_either_width_finds_the_case_and_shows_its_number_as_typed(login_as, factories):
    unit = factories.unit(name="区公安分局")
    factories.case(kind="litigation", number=FULL, respondent_unit=unit)
    factories.case(kind="review", number="富政复〔2026〕7号", respondent_unit=unit)
    db.session.commit()
    client = login_as("legal")
    for query in (FULL, HALF, MIXED, "浙0183行初902", "０１８３行初９０２"):
        listed = client.get("/cases", query_string={"q": query}).get_data(as_text=True)
        assert numbers_in(listed) == {FULL}, query
        by_number = client.get("/cases", query_string={"number": query}).get_data(as_text=True)
        assert numbers_in(by_number) == {FULL}, query
    assert numbers_in(client.get("/cases", query_string={"q": "富政复(2026)7号"}).get_data(as_text=True)) == {
        "富政复〔2026〕7号"
    }
    exported = load_workbook(io.BytesIO(client.get("/cases/export.xlsx?q=" + HALF).data), read_only=True).active
    assert [r[0] for r in exported.iter_rows(min_row=2, values_only=True)] == [FULL]
    assert db.session.scalar(select(func.count(Case.id))) == 2
