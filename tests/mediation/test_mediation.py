import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from casetrack.accounts.permissions import SYSTEM
from casetrack.cases import services as case_services
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.mediation import services
from casetrack.mediation.models import Mediation

TODAY = local_today()


def register(actor, unit, number="富调〔2026〕1号", case=None, received_on=None, **extra):
    return services.register_mediation(
        {
            "number": number,
            "case": case,
            "respondent_unit_id": unit.id,
            "parties": "张三",
            "received_on": received_on or TODAY - timedelta(days=5),
            **extra,
        },
        actor,
        TODAY,
    )


def test_a_standalone_dispute_is_pre_filing_and_assigned_to_its_registering_mediator(factories):
    mediator, unit = factories.user(role="mediator"), factories.unit()
    mediation = register(mediator, unit)
    assert mediation.source == "pre_filing" and mediation.mediator_id == mediator.id and mediation.status == "open"


def test_a_mediation_from_a_case_takes_its_unit_and_source(factories):
    mediator, unit = factories.user(role="mediator"), factories.unit()
    case = factories.case(kind="litigation", respondent_unit=unit, number="L-1")
    mediation = register(mediator, factories.unit(), case=case)
    assert mediation.respondent_unit_id == unit.id and mediation.source == "during_litigation"


def test_units_and_leaders_cannot_run_mediations(factories):
    with pytest.raises(PermissionDenied):
        register(factories.user(role="unit"), factories.unit())
    with pytest.raises(PermissionDenied):
        register(factories.user(role="leader"), factories.unit())


def test_a_success_needs_the_agreement_and_a_closed_mediation_takes_no_more_sessions(factories):
    mediator, unit = factories.user(role="mediator"), factories.unit()
    mediation = register(mediator, unit)
    services.add_session(
        mediation, mediator, TODAY, held_on=TODAY - timedelta(days=3), participants="双方", notes="听取意见"
    )
    assert mediation.last_activity_on == TODAY - timedelta(days=3)
    with pytest.raises(DomainError):
        services.close_mediation(mediation, mediator, TODAY, result="succeeded", concluded_on=TODAY, agreement="")
    services.close_mediation(mediation, mediator, TODAY, result="succeeded", concluded_on=TODAY, agreement="补偿到位")
    with pytest.raises(DomainError):
        services.add_session(mediation, mediator, TODAY, held_on=TODAY, participants="", notes="再谈")


def test_a_success_on_a_case_concludes_the_case_as_the_mediation_allows(factories):
    mediator, unit = factories.user(role="mediator"), factories.unit()
    case = factories.case(
        respondent_unit=unit,
        number="R-1",
        received_on=TODAY - timedelta(days=20),
        accepted_on=TODAY - timedelta(days=18),
    )
    mediation = register(mediator, unit, case=case, received_on=TODAY - timedelta(days=10))
    services.close_mediation(mediation, mediator, TODAY, result="succeeded", concluded_on=TODAY, agreement="和解")
    with pytest.raises(DomainError):
        services.conclude_linked_case(mediation, mediator, TODAY, outcome="withdrawn")  # a litigation outcome
    services.conclude_linked_case(mediation, mediator, TODAY, outcome="terminated")
    assert case.status == "concluded" and case.outcome == "terminated" and case.concluded_on == TODAY
    assert not services.can_conclude_linked_case(mediation)


def test_the_offer_to_conclude_appears_on_the_page_after_a_success(factories, login_as):
    unit = factories.unit()
    case = factories.case(
        kind="litigation",
        respondent_unit=unit,
        number="L-9",
        received_on=TODAY - timedelta(days=20),
        accepted_on=TODAY - timedelta(days=19),
    )
    client = login_as("mediator")
    mediation = register(client.user, unit, case=case, received_on=TODAY - timedelta(days=10))
    db.session.commit()
    assert "conclude-case-form" not in client.get(f"/mediations/{mediation.id}").get_data(as_text=True)
    client.post(
        f"/mediations/{mediation.id}/close",
        data={
            "result": "succeeded",
            "concluded_on": TODAY.isoformat(),
            "agreement": "原告撤诉",
            "version": mediation.version,
        },
    )
    page = client.get(f"/mediations/{mediation.id}").get_data(as_text=True)
    assert "conclude-case-form" in page and "调解成功" in page
    response = client.post(f"/mediations/{mediation.id}/conclude-case", data={"outcome": "withdrawn"})
    assert response.status_code == 302
    db.session.expire_all()
    assert case_services.queries.get_visible_case(SYSTEM, case.id).outcome == "withdrawn"


def test_a_mediator_registers_logs_two_sessions_and_closes_through_the_pages(factories, login_as):
    unit = factories.unit(name="新登镇")
    db.session.commit()
    client = login_as("mediator")
    response = client.post(
        "/mediations/new",
        data={
            "number": "富调〔2026〕77号",
            "case_number": "",
            "respondent_unit_id": unit.id,
            "source": "pre_filing",
            "mediator_id": client.user.id,
            "parties": "王五",
            "subject": "土地纠纷",
            "received_on": (TODAY - timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    mediation_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for days in (8, 2):
        client.post(
            f"/mediations/{mediation_id}/sessions",
            data={
                "held_on": (TODAY - timedelta(days=days)).isoformat(),
                "participants": "双方",
                "notes": f"第{days}天",
            },
        )
    page = client.get(f"/mediations/{mediation_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post(
        f"/mediations/{mediation_id}/close",
        data={"result": "succeeded", "concluded_on": TODAY.isoformat(), "agreement": "达成协议", "version": version},
    )
    db.session.expire_all()
    mediation = db.session.get(Mediation, mediation_id)
    assert mediation.status == "succeeded" and len(mediation.sessions) == 2


def test_the_work_list_is_oldest_first_and_marks_idle_ones(factories, login_as):
    unit = factories.unit()
    client = login_as("mediator")
    register(client.user, unit, number="新", received_on=TODAY - timedelta(days=2))
    register(client.user, unit, number="旧", received_on=TODAY - timedelta(days=40))
    register(factories.user(role="mediator"), unit, number="别人的", received_on=TODAY - timedelta(days=50))
    db.session.commit()
    page = client.get("/mediations/mine").get_data(as_text=True)
    assert page.index(">旧<") < page.index(">新<") and "别人的" not in page
    assert page.count('class="idle"') == 1


def test_the_center_page_shows_the_success_rate_by_the_definition_and_exports_its_filter(factories, login_as):
    unit, other = factories.unit(name="甲单位"), factories.unit(name="乙单位")
    for number, status, target in (
        ("A", "succeeded", unit),
        ("B", "failed", unit),
        ("C", "withdrawn", unit),
        ("D", "succeeded", other),
    ):
        db.session.add(
            Mediation(
                number=number,
                respondent_unit_id=target.id,
                source="pre_filing",
                received_on=date(2025, 3, 1),
                status=status,
                concluded_on=date(2025, 4, 1),
                last_activity_on=date(2025, 4, 1),
            )
        )
    db.session.commit()
    client = login_as("leader")
    page = client.get("/mediations/?year=2025").get_data(as_text=True)
    assert "66.67%" in page  # 2 of 3 concluded; the withdrawn one is not counted
    export = client.get(f"/mediations/export.xlsx?unit_id={other.id}")
    rows = list(load_workbook(io.BytesIO(export.data), read_only=True).active.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["D"] and rows[0][6] == "成功"


def test_a_unit_sees_only_its_own_units_mediations(factories, login_as):
    own, other = factories.unit(), factories.unit()
    mediator = factories.user(role="mediator")
    mine, theirs = register(mediator, own, number="own"), register(mediator, other, number="theirs")
    db.session.commit()
    liaison = login_as(factories.user(role="unit", unit=own))
    page = liaison.get("/mediations/").get_data(as_text=True)
    assert ">own<" in page and ">theirs<" not in page
    assert liaison.get(f"/mediations/{theirs.id}").status_code == 404
    assert liaison.get(f"/mediations/{mine.id}").status_code == 200
    assert (
        liaison.post(f"/mediations/{mine.id}/sessions", data={"held_on": TODAY.isoformat(), "notes": "x"}).status_code
        == 403
    )


def test_a_two_character_name_finds_its_mediation(factories, login_as):
    unit = factories.unit()
    mediator = factories.user(role="mediator")
    services.register_mediation(
        {
            "number": "富调〔2026〕5号",
            "respondent_unit_id": unit.id,
            "parties": "徐福",
            "subject": "征收补偿",
            "received_on": TODAY,
        },
        mediator,
        TODAY,
    )
    register(mediator, unit, number="富调〔2026〕6号")
    db.session.commit()
    client = login_as("mediator")
    for needle in ("徐福", "征收"):
        page = client.get(f"/mediations/?q={needle}").get_data(as_text=True)
        assert "富调〔2026〕5号" in page and "富调〔2026〕6号" not in page


def test_an_incomplete_or_refused_session_goes_back_to_the_mediation_with_the_reason(factories, login_as):
    unit = factories.unit(name="新登镇")
    mediation = register(SYSTEM, unit)
    db.session.commit()
    client = login_as("mediator")
    for data in ({"participants": "双方"}, {"held_on": (TODAY + timedelta(days=1)).isoformat(), "notes": "太早"}):
        response = client.post(f"/mediations/{mediation.id}/sessions", data=data)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/mediations/{mediation.id}")
        assert 'class="flash error"' in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mediation, mediation.id).sessions == []
