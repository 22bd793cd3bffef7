"""GET /api/v1/cases/<id> carries the judgment, the appeal decision and the linked cases (`related`, both
directions), and the OpenAPI document describes them."""

from datetime import date

import pytest

from casetrack.extensions import db
from tests.api.test_views import api, bearer  # noqa: F401  (the fixture)


@pytest.fixture
def chain(factories):
    own, other = factories.unit(name="富春街道"), factories.unit(name="东洲街道")
    review = factories.case(
        number="富政复〔2020〕1号",
        respondent_unit=own,
        received_on=date(2020, 1, 6),
        accepted_on=date(2020, 1, 7),
        concluded_on=date(2020, 3, 2),
        outcome="upheld",
    )
    first = factories.case(
        kind="litigation",
        number="（2020）浙0183行初1号",
        respondent_unit=own,
        received_on=date(2020, 4, 1),
        accepted_on=date(2020, 4, 2),
        concluded_on=date(2020, 8, 3),
        outcome="revoked",
        judgment_served_on=date(2020, 8, 10),
        ruling_kind="judgment",
        appeal_decision="appeal",
        appeal_decided_on=date(2020, 8, 20),
        appeal_approved_by="王局长",
        related_case_id=review.id,
        related_relation="after_review",
    )
    second = factories.case(
        kind="litigation",
        instance="second",
        number="（2020）浙01行终1号",
        respondent_unit=other,
        received_on=date(2020, 9, 1),
        related_case_id=first.id,
        related_relation="appeal",
    )
    people = {"legal": factories.user(role="legal"), "liaison": factories.user(role="unit", unit=own)}
    db.session.commit()
    return {"review": review, "first": first, "second": second, **people}


def test_a_case_lists_the_case_it_follows_and_the_cases_that_follow_it(api, chain):  # noqa: F811
    body = api(chain["legal"])(f"/api/v1/cases/{chain['first'].id}").get_json()
    assert body["related"] == [
        {"id": chain["review"].id, "number": "富政复〔2020〕1号", "relation": "after_review"},
        {"id": chain["second"].id, "number": "（2020）浙01行终1号", "relation": "appealed_as"},
    ]
    assert (body["judgment_served_on"], body["ruling_kind"]) == ("2020-08-10", "judgment")
    assert (body["appeal_decision"], body["appeal_decided_on"], body["appeal_approved_by"]) == (
        "appeal",
        "2020-08-20",
        "王局长",
    )
    appeal = next(d for d in body["deadlines"] if d["code"] == "appeal")
    assert appeal["due_on"] == "2020-08-25" and appeal["done_on"] == "2020-08-20"
    second = api(chain["legal"])(f"/api/v1/cases/{chain['second'].id}").get_json()
    assert second["related"] == [{"id": chain["first"].id, "number": "（2020）浙0183行初1号", "relation": "appeal"}]


def test_a_unit_sees_only_the_links_to_cases_it_may_open(api, chain):  # noqa: F811
    body = api(chain["liaison"])(f"/api/v1/cases/{chain['first'].id}").get_json()
    assert [link["number"] for link in body["related"]] == ["富政复〔2020〕1号"]


def test_the_openapi_document_describes_every_field_of_a_case_detail(api, chain, client):  # noqa: F811
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    described = set(schemas["Case"]["properties"]) | set(schemas["CaseDetail"]["allOf"][1]["properties"])
    body = api(chain["legal"])(f"/api/v1/cases/{chain['first'].id}").get_json()
    assert set(body) <= described
    assert set(schemas["CaseLink"]["required"]) == {"id", "number", "relation"}
    relations = set(schemas["CaseLink"]["properties"]["relation"]["enum"])
    assert {link["relation"] for link in body["related"]} <= relations
