"""The HTTP API /api/v1/ as a script sees it: bearer tokens, the UI's permissions, strict parameters, JSON errors."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casetrack.accounts.models import ApiToken
from casetrack.accounts.permissions import SYSTEM
from casetrack.accounts.services import issue_token
from casetrack.api import schemas
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.risk import services as risk_services
from casetrack.stats.queries import Period, figures
from tests.factories import held_hearing as hearing
from tests.factories import mediation

TODAY = local_today()
OWN, OTHER = "富春街道", "东洲街道"


def bearer(user) -> dict:
    token = issue_token(user, actor=SYSTEM)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(app):
    """api(user) → get(url, **params): a JSON GET with that user's bearer token."""

    def _for(user):
        client, headers = app.test_client(), bearer(user)

        def get(url, **params):
            return client.get(url, query_string=params or None, headers=headers)

        get.client, get.headers = client, headers
        return get

    return _for


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["number"] for item in response.get_json()["items"]]


def assert_error(response, status: int, fragment: str = "") -> str:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"] and body["error"]
    assert fragment in body["error"]
    return body["error"]


@pytest.fixture
def world(factories):
    own, other = factories.unit(name=OWN), factories.unit(name=OTHER)
    cases = {
        "review": factories.case(
            number="富政复〔2020〕1号", respondent_unit=own, received_on=date(2020, 3, 2), applicants=["王秀英"]
        ),
        "litigation": factories.case(
            kind="litigation",
            number="富政诉〔2020〕2号",
            respondent_unit=own,
            received_on=date(2020, 6, 10),
            accepted_on=date(2020, 6, 12),
            concluded_on=date(2020, 9, 1),
            outcome="revoked",
        ),
        "theirs": factories.case(
            number="东政复〔2021〕3号", respondent_unit=other, received_on=date(2021, 1, 5), applicants=["李四"]
        ),
    }
    people = {
        "liaison": factories.user(role="unit", unit=own, locale="en"),
        "clerk": factories.user(role="mediator", locale="en"),
        "legal": factories.user(role="legal", locale="en"),
    }
    db.session.commit()
    return {"own": own, "other": other, **cases, **people}


# --- authentication ---------------------------------------------------------------------------------------------


def test_a_bearer_token_reads_the_cases_and_its_use_is_recorded(api, world):
    response = api(world["clerk"])("/api/v1/cases")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"items", "total", "page", "per_page"} and body["total"] == 3
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_a_missing_wrong_or_revoked_token_gets_401_json_and_no_login_redirect(app, api, world):
    client = app.test_client()
    response = client.get("/api/v1/cases")
    assert_error(response, 401, "Authorization: Bearer")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert_error(client.get("/api/v1/cases", headers={"Authorization": "Bearer ct_not-a-token"}), 401)
    assert_error(client.get("/api/v1/figures?year=2020", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401)
    get = api(world["clerk"])
    assert get("/api/v1/cases").status_code == 200
    db.session.scalar(select(ApiToken)).revoked_at = datetime.now(UTC)
    db.session.commit()
    assert_error(get("/api/v1/cases"), 401)


def test_an_expired_token_gets_401_json(api, world):
    get = api(world["clerk"])
    assert get("/api/v1/cases").status_code == 200
    db.session.scalar(select(ApiToken)).expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    assert_error(get("/api/v1/cases"), 401, "Authorization: Bearer")


def test_a_deactivated_users_token_stops_working(api, world):
    get = api(world["clerk"])
    assert get("/api/v1/cases").status_code == 200
    world["clerk"].active = False
    db.session.commit()
    assert_error(get("/api/v1/risk-queue"), 401)


def test_a_signed_in_browser_session_reads_the_api_too(login_as, world):
    assert login_as("leader").get("/api/v1/cases").status_code == 200


def test_pages_still_send_an_anonymous_visitor_to_the_login_form(client):
    response = client.get("/cases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- cases ------------------------------------------------------------------------------------------------------


def test_a_unit_user_lists_only_its_own_units_cases(api, world):
    get = api(world["liaison"])
    assert sorted(numbers(get("/api/v1/cases"))) == ["富政复〔2020〕1号", "富政诉〔2020〕2号"]
    assert get("/api/v1/cases").get_json()["total"] == 2
    # Naming another unit narrows the list, as on the page; it never widens what the liaison sees.
    assert numbers(get("/api/v1/cases", unit=OTHER)) == []
    assert numbers(get("/api/v1/cases", q="李四")) == []


def test_a_unit_user_gets_404_json_for_another_units_case(api, world):
    get = api(world["liaison"])
    message = assert_error(get(f"/api/v1/cases/{world['theirs'].id}"), 404)
    assert message == "The page or record does not exist."
    assert_error(get("/api/v1/cases/999999"), 404)
    assert get(f"/api/v1/cases/{world['review'].id}").status_code == 200


def test_a_case_object_carries_codes_and_iso_dates_with_null_for_missing_ones(api, world):
    case = api(world["clerk"])(f"/api/v1/cases/{world['litigation'].id}").get_json()
    assert {
        k: case[k]
        for k in ("id", "number", "kind", "instance", "unit", "status", "received_on", "concluded_on", "outcome")
    } == {
        "id": world["litigation"].id,
        "number": "富政诉〔2020〕2号",
        "kind": "litigation",
        "instance": "first",
        "unit": OWN,
        "status": "concluded",
        "received_on": "2020-06-10",
        "concluded_on": "2020-09-01",
        "outcome": "revoked",
    }
    listed = api(world["clerk"])("/api/v1/cases", kind="review", unit=OWN).get_json()["items"][0]
    assert listed["concluded_on"] is None and listed["outcome"] is None and listed["instance"] is None
    detail = api(world["clerk"])(f"/api/v1/cases/{world['review'].id}").get_json()
    assert [d["code"] for d in detail["deadlines"]][:1] == ["admission"]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["due_on"]) for d in detail["deadlines"])


def test_id_numbers_are_masked_except_for_legal_and_admin(api, world):
    url = f"/api/v1/cases/{world['review'].id}"
    masked = {"name": "王秀英", "kind": "person", "id_number": "330***********1232"}
    assert api(world["clerk"])(url).get_json()["applicants"] == [masked]
    assert api(world["liaison"])("/api/v1/cases", q="王秀英").get_json()["items"][0]["applicants"] == [masked]
    assert api(world["legal"])(url).get_json()["applicants"][0]["id_number"] == "330183199001011232"


def test_the_list_filters_by_kind_status_unit_text_and_received_dates(api, world):
    get = api(world["clerk"])
    assert numbers(get("/api/v1/cases", kind="litigation")) == ["富政诉〔2020〕2号"]
    assert numbers(get("/api/v1/cases", status="concluded")) == ["富政诉〔2020〕2号"]
    assert sorted(numbers(get("/api/v1/cases", status="open"))) == ["东政复〔2021〕3号", "富政复〔2020〕1号"]
    assert numbers(get("/api/v1/cases", unit=OTHER)) == ["东政复〔2021〕3号"]
    assert numbers(get("/api/v1/cases", q="王秀英")) == ["富政复〔2020〕1号"]
    assert numbers(get("/api/v1/cases", received_from="2020-06-01", received_to="2020-12-31")) == ["富政诉〔2020〕2号"]
    assert numbers(get("/api/v1/cases", received_from="2020-03-02", received_to="2020-03-02")) == ["富政复〔2020〕1号"]
    assert numbers(get("/api/v1/cases", kind="review", unit=OWN, received_to="2020-12-31")) == ["富政复〔2020〕1号"]


def test_pages_have_the_list_shape_an_exact_total_and_a_capped_size(api, factories, world):
    for n in range(4):
        factories.case(number=f"分页〔2019〕{n}号", respondent_unit=world["other"], received_on=date(2019, 1, 1 + n))
    db.session.commit()
    get = api(world["clerk"])
    second = get("/api/v1/cases", per_page=3, page=2).get_json()
    assert (len(second["items"]), second["total"], second["page"], second["per_page"]) == (3, 7, 2, 3)
    third = get("/api/v1/cases", per_page=3, page=3).get_json()
    assert len(third["items"]) == 1
    seen = [i["id"] for p in (1, 2, 3) for i in get("/api/v1/cases", per_page=3, page=p).get_json()["items"]]
    assert len(set(seen)) == 7
    assert get("/api/v1/cases", per_page=5000).get_json()["per_page"] == schemas.MAX_PER_PAGE
    assert get("/api/v1/cases", page=99).get_json() == {"items": [], "total": 7, "page": 99, "per_page": 50}


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("/api/v1/cases?page=abc", "page: abc is not a whole number"),
        ("/api/v1/cases?page=0", "page: 0 is not a whole number"),
        ("/api/v1/cases?per_page=-1", "per_page: -1 is not a whole number of at least 1"),
        ("/api/v1/cases?received_from=2020-13-01", "received_from: 2020-13-01 is not a date (use YYYY-MM-DD)"),
        ("/api/v1/cases?received_to=yesterday", "received_to: yesterday is not a date"),
        ("/api/v1/cases?received_from=2020-05-01&received_to=2020-04-01", "received_from is later than received_to"),
        ("/api/v1/cases?kind=appeal", "kind: appeal is not one of review, litigation"),
        ("/api/v1/cases?status=lost", "status: lost is not one of"),
        ("/api/v1/cases?unit=不存在的单位", "There is no unit named 不存在的单位"),
        ("/api/v1/cases?q=" + "长" * 101, "q is longer than 100 characters"),
        ("/api/v1/cases?unit_id=3", "Unknown parameter unit_id; this path takes"),
        ("/api/v1/cases/1?page=2", "Unknown parameter page: this path takes none"),
        ("/api/v1/figures", "year is required"),
        ("/api/v1/cases?q=%00", "q contains a control character"),
        ("/api/v1/figures?year=abc", "year: abc is not a whole number from 1900 to 2999"),
        ("/api/v1/figures?year=1899", "year: 1899 is not a whole number from 1900 to 2999"),
        ("/api/v1/figures?year=2020&month=13", "month: 13 is not a whole number from 1 to 12"),
        ("/api/v1/figures?year=2020&month=0", "month: 0 is not a whole number"),
        ("/api/v1/risk-queue?state=crossed_off", "state: crossed_off is not one of"),
        ("/api/v1/risk-queue?overdue=maybe", "overdue: maybe is not true or false"),
    ],
)
def test_a_bad_parameter_gets_400_json_saying_which_and_why(api, world, url, fragment):
    assert_error(api(world["clerk"])(url), 400, fragment)


def test_errors_are_in_the_users_language(api, factories, world):
    chinese = factories.user(role="mediator", locale="zh_Hans_CN")
    db.session.commit()
    assert assert_error(api(chinese)("/api/v1/cases/999999"), 404) == "页面或记录不存在。"
    assert assert_error(api(world["clerk"])("/api/v1/cases/999999"), 404) == "The page or record does not exist."


# --- figures ----------------------------------------------------------------------------------------------------


@pytest.fixture
def counted(factories):
    """2020 against 2019. By hand, district 2020: review R1-R3 new (2019: R4, R5), R2 corrected and R3 upheld;
    first-instance litigation L1, L2 new (L3 is second instance), L1 lost; hearings of L1 (head appeared) and L2
    (not); mediations M1 succeeded, M2 failed, M3 withdrawn (not counted). Unit OWN holds R1, R2, R5, L1, L3, M1, M3."""
    a, b = factories.unit(name=OWN), factories.unit(name=OTHER)

    def review(number, unit, received, concluded=None, outcome=None):
        accepted = received + timedelta(days=3) if concluded else None
        return factories.case(
            number=number,
            respondent_unit=unit,
            received_on=received,
            accepted_on=accepted,
            concluded_on=concluded,
            outcome=outcome,
        )

    review("R1", a, date(2020, 3, 2))
    review("R2", a, date(2020, 3, 10), date(2020, 5, 1), "revoked")
    review("R3", b, date(2020, 7, 1), date(2020, 8, 1), "upheld")
    review("R4", b, date(2019, 5, 1), date(2019, 9, 1), "upheld")
    review("R5", a, date(2019, 6, 1))
    lost = factories.case(
        kind="litigation",
        number="L1",
        respondent_unit=a,
        received_on=date(2020, 4, 1),
        accepted_on=date(2020, 4, 2),
        concluded_on=date(2020, 10, 1),
        outcome="revoked",
    )
    pending = factories.case(kind="litigation", number="L2", respondent_unit=b, received_on=date(2020, 5, 1))
    factories.case(kind="litigation", instance="second", number="L3", respondent_unit=a, received_on=date(2020, 11, 1))
    hearing(lost, date(2020, 6, 1), True)
    hearing(pending, date(2020, 6, 15), False)
    mediation(a, "M1", "succeeded", date(2020, 2, 1))
    mediation(b, "M2", "failed", date(2020, 3, 1))
    mediation(a, "M3", "withdrawn", date(2020, 3, 5))
    liaison = factories.user(role="unit", unit=a, locale="en")
    leader = factories.user(role="leader", locale="en")
    db.session.commit()
    return {"a": a, "b": b, "liaison": liaison, "leader": leader}


def test_district_figures_are_the_figures_function_with_the_counts_built(api, counted):
    body = api(counted["leader"])("/api/v1/figures", year=2020).get_json()
    assert body == {
        "year": 2020,
        "month": None,
        "unit": None,
        "from": "2020-01-01",
        "to": "2020-12-31",
        **figures(Period.year(2020), Period.year(2019)),
    }
    assert body["review"] == {
        "new": 3,
        "new_prev": 2,
        "new_yoy_pct": 50.0,
        "concluded": 2,
        "corrected": 1,
        "correction_rate_pct": 50.0,
        "correction_rate_prev_pct": 0.0,
        "correction_rate_change_pp": 50.0,
    }
    litigation = body["litigation"]
    assert (litigation["new"], litigation["new_prev"], litigation["new_yoy_pct"]) == (2, 0, None)
    assert (litigation["concluded"], litigation["lost"], litigation["loss_rate_pct"]) == (1, 1, 100.0)
    assert body["appearance"] == {"required": 2, "appeared": 1, "rate_pct": 50.0}
    assert body["mediation"] == {"concluded": 2, "succeeded": 1, "success_rate_pct": 50.0}


def test_a_month_and_a_unit_narrow_the_figures(api, counted):
    get = api(counted["leader"])
    march = get("/api/v1/figures", year=2020, month=3).get_json()
    assert (march["month"], march["from"], march["to"]) == (3, "2020-03-01", "2020-03-31")
    review = march["review"]
    assert (review["new"], review["concluded"], review["correction_rate_pct"]) == (2, 0, None)
    assert march["mediation"] == {"concluded": 1, "succeeded": 0, "success_rate_pct": 0.0}
    assert get("/api/v1/figures", year=2999, month=12).get_json()["review"]["new"] == 0
    other = get("/api/v1/figures", year=2020, unit=OTHER).get_json()
    assert other["unit"] == OTHER
    assert other == {
        "year": 2020,
        "month": None,
        "unit": OTHER,
        "from": "2020-01-01",
        "to": "2020-12-31",
        **figures(Period.year(2020), Period.year(2019), counted["b"].id),
    }
    assert (other["review"]["new"], other["review"]["corrected"], other["appearance"]["required"]) == (1, 0, 1)


def test_a_unit_user_gets_its_own_units_figures_and_no_other(api, counted):
    get = api(counted["liaison"])
    own = get("/api/v1/figures", year=2020).get_json()
    assert own["unit"] == OWN
    assert own["review"]["new"] == 2 and own["review"]["new_prev"] == 1 and own["review"]["new_yoy_pct"] == 100.0
    assert own["review"]["correction_rate_pct"] == 100.0
    assert own["appearance"] == {"required": 1, "appeared": 1, "rate_pct": 100.0}
    assert own["mediation"] == {"concluded": 1, "succeeded": 1, "success_rate_pct": 100.0}
    assert get("/api/v1/figures", year=2020, unit=OWN).get_json() == own
    assert_error(get("/api/v1/figures", year=2020, unit=OTHER), 403, "only its own unit")
    assert_error(get("/api/v1/figures", year=2020, unit="不存在的单位"), 403)


def test_staff_asking_for_an_unknown_unit_get_404_json(api, counted):
    assert_error(api(counted["leader"])("/api/v1/figures", year=2020, unit="不存在的单位"), 404, "不存在的单位")


# --- risk queue -------------------------------------------------------------------------------------------------


@pytest.fixture
def flagged(factories, world):
    clerk = world["clerk"]
    for number, unit in (("风险1号", world["own"]), ("外单位风险", world["other"])):
        case = factories.case(number=number, respondent_unit=unit, received_on=TODAY - timedelta(days=10))
        risk_services.flag_case(case, "hand", "多次信访", clerk, TODAY)
    db.session.commit()
    return world


def queue_numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return sorted(item["case"]["number"] for item in response.get_json()["items"])


def test_the_risk_queue_lists_entries_in_the_list_shape(api, flagged):
    body = api(flagged["legal"])("/api/v1/risk-queue").get_json()
    assert body["total"] == 2 and body["page"] == 1
    entry = body["items"][0]
    assert entry["state"] == "pending_review" and entry["hand_flagged"] is True
    assert entry["entered_on"] == TODAY.isoformat() and entry["has_overdue_items"] is False
    assert {"number", "unit", "status"} <= set(entry["case"])
    assert queue_numbers(api(flagged["legal"])("/api/v1/risk-queue", unit=OTHER)) == ["外单位风险"]
    assert queue_numbers(api(flagged["legal"])("/api/v1/risk-queue", state="task_force")) == []


def test_the_risk_queue_is_open_to_every_role_as_its_page_is_and_a_unit_sees_its_own(api, factories, flagged):
    assert queue_numbers(api(flagged["liaison"])("/api/v1/risk-queue")) == ["风险1号"]
    assert queue_numbers(api(flagged["liaison"])("/api/v1/risk-queue", unit=OTHER)) == []
    leader = factories.user(role="leader")
    db.session.commit()
    assert queue_numbers(api(leader)("/api/v1/risk-queue")) == ["外单位风险", "风险1号"]


def test_the_risk_queue_needs_a_signed_in_user(client, flagged):
    assert_error(client.get("/api/v1/risk-queue"), 401)


# --- the rest of the contract -----------------------------------------------------------------------------------


def test_unknown_api_paths_get_404_json_while_pages_keep_their_html(app, api, world):
    get = api(world["clerk"])
    for url in ("/api/v1/nothing", "/api/v1/cases/abc", "/api/v2/cases", "/api/v1/cases/"):
        assert_error(get(url), 404)
    page = app.test_client().get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_the_api_is_read_only_and_answers_other_methods_with_405_json(app, api, world):
    get = api(world["clerk"])
    for url in ("/api/v1/cases", f"/api/v1/cases/{world['review'].id}", "/api/v1/figures", "/api/v1/risk-queue"):
        assert_error(get.client.post(url, headers=get.headers, json={}), 405)
        assert_error(get.client.delete(url, headers=get.headers), 405)
        assert_error(app.test_client().put(url), 405)
    assert "GET" in get.client.post("/api/v1/cases", headers=get.headers).headers["Allow"]


def test_a_server_error_is_json_too(api, app, world, monkeypatch):
    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr("casetrack.api.views.period_figures", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert_error(api(world["clerk"])("/api/v1/figures", year=2020), 500, "error has been logged")


def _api_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
            yield path, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_the_openapi_document_describes_every_route_and_nothing_else(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1") and document["servers"] == [{"url": "/api/v1"}]
    routes: dict[str, list[str]] = {}
    for path, methods in _api_routes(app):
        routes[path] = sorted({*routes.get(path, []), *methods})
    assert len(routes) >= 5
    assert set(document["paths"]) == set(routes)
    for path, methods in routes.items():
        assert sorted(m.upper() for m in document["paths"][path]) == methods, path
        for operation in document["paths"][path].values():
            assert {"405", "500"} <= set(operation["responses"]) and {"200", "201"} & set(operation["responses"])
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from `users token NAME`.",
    }
    assert {"Case", "CaseList", "Figures", "RiskQueue", "Error"} <= set(document["components"]["schemas"])


def _sample(parameter: dict) -> str:
    schema = parameter["schema"]
    if "enum" in schema:
        return schema["enum"][-1]
    if parameter["name"] == "unit":
        return OWN
    if schema.get("format") == "date":
        return "2020-01-01"
    if schema["type"] == "integer":
        return str(max(schema.get("minimum", 1), 2020 if parameter["name"] == "year" else 1))
    if schema["type"] == "boolean":
        return "true"
    return "王"


def test_every_documented_parameter_is_accepted(api, world):
    get = api(world["legal"])
    document = get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        url = "/api/v1" + path.replace("{case_id}", str(world["review"].id))
        required = {
            p["name"]: _sample(p) for p in item["get"]["parameters"] if p.get("required") and p["in"] == "query"
        }
        for parameter in item["get"]["parameters"]:
            if parameter["in"] == "query":
                response = get(url, **{**required, parameter["name"]: _sample(parameter)})
                assert response.status_code == 200, (path, parameter["name"], response.get_json())


def test_the_running_year_is_counted_to_today_against_the_same_days_a_year_earlier(api, counted, factories):
    from casetrack.clock import local_today

    today = local_today()
    same_day_last_year = Period.compared(today.year, None, today)[1].end
    factories.case(number="NOW", received_on=today)
    factories.case(number="THEN", received_on=same_day_last_year)
    if same_day_last_year < date(today.year - 1, 12, 31):
        factories.case(number="LATER", received_on=date(today.year - 1, 12, 31))  # not yet comparable
    db.session.commit()
    body = api(counted["leader"])("/api/v1/figures", year=today.year).get_json()
    assert (body["review"]["new"], body["review"]["new_prev"], body["review"]["new_yoy_pct"]) == (1, 1, 0.0)
    assert (body["from"], body["to"]) == (f"{today.year}-01-01", today.isoformat())
    assert body == {
        "year": today.year,
        "month": None,
        "unit": None,
        "from": body["from"],
        "to": body["to"],
        **figures(*Period.compared(today.year, None, today)),
    }
