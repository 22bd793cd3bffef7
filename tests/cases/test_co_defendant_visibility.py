"""Issue 12 item 6: every respondent unit's liaisons see the case — list, page, API, export, reminders — and only
such cases. A co-defendant's liaison reads the case; another unit's liaison gets the 404 of a case that does not
exist."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.cases import services
from casetrack.cases.queries import CaseFilters, page_of_cases
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.notifications.services import deadline_reminders, hearing_reminders

TODAY = local_today()


@pytest.fixture
def world(factories):
    bureau, district, other = (
        factories.unit(name="区市场监管局"),
        factories.unit(name="区政府", kind="district"),
        factories.unit(name="东洲街道", kind="town"),
    )
    clerk = factories.user(role="legal")
    served = TODAY - timedelta(days=10)
    lawsuit = services.register_case(
        {
            "kind": "litigation",
            "instance": "first",
            "number": "（2026）浙0111行初31号",
            "respondent_unit_id": bureau.id,
            "applicants": [{"name": "张三"}],
            "matter": "penalty",
            "received_on": served,
            "accepted_on": served,
            "served_on": served,
            "co_respondents": [(district.id, "review_body")],
        },
        clerk,
        TODAY,
    )
    alone = factories.case(kind="litigation", respondent_unit=bureau, number="（2026）浙0111行初32号")
    hearing = Hearing(case=lawsuit, held_on=TODAY + timedelta(days=2), court="富阳区人民法院")
    db.session.add(hearing)
    people = {
        "co": factories.user(role="unit", unit=district),
        "main": factories.user(role="unit", unit=bureau),
        "outsider": factories.user(role="unit", unit=other),
    }
    db.session.commit()
    return {"lawsuit": lawsuit, "alone": alone, "hearing": hearing, "district": district, **people}


def test_a_co_defendants_liaison_lists_and_opens_the_case_and_no_other_of_the_main_respondent(login_as, world):
    liaison = login_as(world["co"])
    listed = liaison.get("/cases").get_data(as_text=True)
    assert "（2026）浙0111行初31号" in listed and "（2026）浙0111行初32号" not in listed
    assert liaison.get(f"/cases/{world['lawsuit'].id}").status_code == 200
    assert liaison.get(f"/cases/{world['alone'].id}").status_code == 404
    assert liaison.get(f"/hearings/{world['hearing'].id}").status_code == 200


def test_another_units_liaison_gets_404_for_the_case_and_its_hearing(login_as, world):
    outsider = login_as(world["outsider"])
    assert outsider.get(f"/cases/{world['lawsuit'].id}").status_code == 404
    assert outsider.get(f"/hearings/{world['hearing'].id}").status_code == 404
    assert "（2026）浙0111行初31号" not in outsider.get("/cases").get_data(as_text=True)


def test_the_api_lists_and_shows_the_case_to_the_co_defendant_with_every_respondent(app, world):
    token = issue_token(world["co"], actor=SYSTEM)
    db.session.commit()
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert [item["number"] for item in listed["items"]] == ["（2026）浙0111行初31号"]
    shown = client.get(f"/api/v1/cases/{world['lawsuit'].id}", headers=headers).get_json()
    assert shown["unit"] == "区市场监管局"
    assert shown["respondents"] == [
        {"unit": "区市场监管局", "role": "original_act"},
        {"unit": "区政府", "role": "review_body"},
    ]
    assert client.get(f"/api/v1/cases/{world['alone'].id}", headers=headers).status_code == 404


def test_the_openapi_document_describes_the_respondents(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["Respondent"]["properties"]["role"]["enum"] == ["original_act", "review_body", "other"]
    detail = schemas["CaseDetail"]["allOf"][1]
    assert detail["properties"]["respondents"]["items"] == {"$ref": "#/components/schemas/Respondent"}


def test_the_export_of_a_co_defendants_liaison_holds_the_case(login_as, world):
    liaison = login_as(world["co"])
    response = liaison.get("/cases/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["案件"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["（2026）浙0111行初31号"]


def test_staff_filtering_by_unit_find_the_case_under_each_respondent(world, factories):
    clerk = factories.user(role="mediator")
    for unit, expected in ((world["district"], ["（2026）浙0111行初31号"]), (world["lawsuit"].respondent_unit, 2)):
        page = page_of_cases(clerk, CaseFilters(unit_id=unit.id), TODAY, 7)
        found = [case.number for case in page.items]
        assert found == expected if isinstance(expected, list) else len(found) == expected


def test_reminders_reach_every_respondent_units_liaisons_and_no_other(world):
    deadline = {r.user_id for r in deadline_reminders(TODAY, 7) if r.url == f"/cases/{world['lawsuit'].id}"}
    assert {world["co"].id, world["main"].id} <= deadline and world["outsider"].id not in deadline
    hearing = {r.user_id for r in hearing_reminders(TODAY)}
    assert {world["co"].id, world["main"].id} <= hearing and world["outsider"].id not in hearing


def test_a_unit_with_no_co_defendant_case_is_filtered_exactly_as_before(world, factories):
    from casetrack.cases.queries import of_unit

    condition = of_unit(world["outsider"].unit_id)
    assert str(condition.compile()) == "cases.respondent_unit_id = :respondent_unit_id_1"
