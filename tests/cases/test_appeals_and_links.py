"""Judgment service and the appeal decision (行政诉讼法 Art. 85), and cases linked across instances and after a
review: the services, the pages and the reminders, on both databases."""

from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.cases import queries, services
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.notifications.services import collect_reminders
from tests.conftest import csrf_token

TODAY = local_today()
CONCLUDED = TODAY - timedelta(days=5)
SERVED = TODAY - timedelta(days=3)


@pytest.fixture
def lost(factories):
    """A first instance the 区住建局 lost, its judgment served three days ago, with the unit's liaison."""
    unit = factories.unit(name="区住建局")
    case = factories.case(
        kind="litigation",
        number="（2026）浙0183行初11号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=90),
        accepted_on=TODAY - timedelta(days=88),
        concluded_on=CONCLUDED,
        outcome="revoked",
        judgment_served_on=SERVED,
        ruling_kind="judgment",
        applicants=["张三", "李四"],
    )
    liaison = factories.user(role="unit", unit=unit)
    db.session.commit()
    return {"unit": unit, "case": case, "liaison": liaison}


def decide(case, actor, **changes):
    values = {"decision": "no_appeal", "decided_on": TODAY, "approved_by": "王局长", **changes}
    return services.record_appeal_decision(case, actor, TODAY, **values)


def count_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_the_units_liaison_records_no_appeal_with_who_approved_it_and_the_deadline_is_met(lost):
    case = decide(lost["case"], lost["liaison"])
    assert (case.appeal_decision, case.appeal_decided_on, case.appeal_approved_by) == ("no_appeal", TODAY, "王局长")
    trail = db.session.scalars(
        select(AuditEntry.field).where(AuditEntry.entity_id == case.id, AuditEntry.action == "appeal_decided")
    ).all()
    assert set(trail) == {"appeal_decision", "appeal_decided_on", "appeal_approved_by"}
    assert case.id not in {c.id for c in db.session.scalars(queries.undecided_appeals(lost["liaison"], TODAY))}


def test_another_units_liaison_and_a_leader_may_not_decide(lost, factories):
    for actor in (factories.user(role="unit"), factories.user(role="leader")):
        with pytest.raises(PermissionDenied):
            decide(lost["case"], actor)
    assert lost["case"].appeal_decision is None


def test_a_won_case_or_a_decision_without_its_approver_is_refused_and_changes_nothing(lost, factories):
    before = count_entries()
    with pytest.raises(DomainError):
        decide(lost["case"], lost["liaison"], approved_by=" ")
    with pytest.raises(DomainError):
        decide(lost["case"], lost["liaison"], decision="perhaps")
    won = factories.case(kind="litigation", concluded_on=CONCLUDED, accepted_on=CONCLUDED, outcome="claim_rejected")
    with pytest.raises(DomainError):
        decide(won, factories.user(role="legal"))
    db.session.expire_all()
    assert lost["case"].appeal_decision is None and count_entries() == before


def test_the_undecided_list_holds_recent_lost_first_instances_only(lost, factories):
    old = factories.case(
        kind="litigation",
        accepted_on=TODAY - timedelta(days=400),
        concluded_on=TODAY - timedelta(days=300),
        received_on=TODAY - timedelta(days=400),
        outcome="revoked",
        judgment_served_on=TODAY - timedelta(days=299),
    )
    second = factories.case(
        kind="litigation",
        instance="second",
        accepted_on=CONCLUDED,
        concluded_on=CONCLUDED,
        outcome="revoked",
        received_on=CONCLUDED,
    )
    listed = {c.id for c in db.session.scalars(queries.undecided_appeals(factories.user(role="legal"), TODAY))}
    assert lost["case"].id in listed and old.id not in listed and second.id not in listed


def test_the_legal_bureau_sees_the_undecided_appeals_with_days_left_and_exports_them(lost, login_as):
    client = login_as("legal")
    assert "/cases/appeals" in client.get("/cases").get_data(as_text=True)
    html = client.get("/cases/appeals").get_data(as_text=True)
    assert "（2026）浙0183行初11号" in html and "天" in html
    due = SERVED + timedelta(days=15)
    exported = client.get("/cases/appeals/export.xlsx")
    sheet = load_workbook(__import__("io").BytesIO(exported.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "案号" and rows[1][0] == "（2026）浙0183行初11号" and rows[1][4] == "判决"
    assert rows[1][6].date() >= due


def test_a_unit_liaison_may_not_open_the_bureaus_list(lost, login_as):
    assert login_as(lost["liaison"]).get("/cases/appeals").status_code == 403


def test_the_case_page_shows_the_appeal_deadline_with_its_article_and_the_decision_form(lost, login_as):
    client = login_as(lost["liaison"])
    html = client.get(f"/cases/{lost['case'].id}").get_data(as_text=True)
    assert 'id="appeal-form"' in html and "第八十五条" in html
    response = client.post(
        f"/cases/{lost['case'].id}/appeal-decision",
        data={
            "csrf_token": csrf_token(client.client, f"/cases/{lost['case'].id}"),
            "decision": "no_appeal",
            "decided_on": TODAY.isoformat(),
            "approved_by": "王局长",
            "version": lost["case"].version,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, lost["case"].id).appeal_decision == "no_appeal"
    assert "不上诉" in client.get(f"/cases/{lost['case'].id}").get_data(as_text=True)


def test_the_morning_reminders_include_an_undecided_appeal_until_it_is_decided(lost, app):
    app.config["CASETRACK_DEADLINE_WARNING_DAYS"] = 20
    reminded = {r.user_id for r in collect_reminders(TODAY) if r.params.get("deadline_code") == "appeal"}
    assert lost["liaison"].id in reminded
    decide(lost["case"], lost["liaison"])
    assert not [r for r in collect_reminders(TODAY) if r.params.get("deadline_code") == "appeal"]
    app.config["CASETRACK_DEADLINE_WARNING_DAYS"] = 7


# --- linked cases --------------------------------------------------------------------------------------------


def second_instance_data(unit, first, **changes):
    return {
        "kind": "litigation",
        "instance": "second",
        "number": "（2026）浙01行终5号",
        "respondent_unit_id": unit.id,
        "matter": "penalty",
        "applicants": [{"name": "张三"}],
        "received_on": TODAY,
        "related_relation": "appeal",
        "related_number": first.number,
        **changes,
    }


def test_a_second_instance_names_its_first_and_both_pages_show_the_chain(lost, factories, login_as):
    clerk = factories.user(role="legal")
    review = factories.case(
        number="富政复〔2026〕3号",
        respondent_unit=lost["unit"],
        accepted_on=TODAY - timedelta(days=120),
        received_on=TODAY - timedelta(days=120),
        concluded_on=TODAY - timedelta(days=95),
        outcome="upheld",
    )
    services.update_case(
        lost["case"],
        {"related_relation": "after_review", "related_number": review.number},
        clerk,
        TODAY,
        lost["case"].version,
    )
    second = services.register_case(second_instance_data(lost["unit"], lost["case"]), clerk, TODAY)
    assert second.related_case_id == lost["case"].id
    chain = [(link.case.number, link.relation, link.direction) for link in queries.linked_cases(lost["case"])]
    assert chain == [("富政复〔2026〕3号", "after_review", "earlier"), ("（2026）浙01行终5号", "appeal", "later")]
    assert queries.direct_links(lost["case"].id) == [
        {"id": review.id, "number": review.number, "relation": "after_review"},
        {"id": second.id, "number": second.number, "relation": "appealed_as"},
    ]
    db.session.commit()
    html = login_as("legal").get(f"/cases/{review.id}").get_data(as_text=True)
    assert f"/cases/{lost['case'].id}" in html and "（2026）浙0183行初11号" in html


def test_a_link_to_an_unknown_number_the_wrong_kind_or_itself_is_refused(lost, factories):
    clerk = factories.user(role="legal")
    with pytest.raises(services.CaseInvalid) as error:
        services.register_case(
            second_instance_data(lost["unit"], lost["case"], related_number="（2026）无此号"), clerk, TODAY
        )
    assert error.value.problems[0].field == "related_case_id"
    with pytest.raises(services.CaseInvalid):  # a first instance is no second instance's appeal
        services.register_case(second_instance_data(lost["unit"], lost["case"], instance="first"), clerk, TODAY)
    retrial = services.register_case(
        second_instance_data(lost["unit"], lost["case"], number="（2026）浙01行终6号"), clerk, TODAY
    )
    with pytest.raises(services.CaseInvalid):  # a second instance cannot be its own retrial
        services.update_case(
            retrial, {"related_relation": "retrial", "related_number": retrial.number}, clerk, TODAY, retrial.version
        )
    db.session.expire_all()
    assert db.session.get(Case, retrial.id).related_relation == "appeal"


def test_a_unit_liaison_cannot_link_to_a_case_it_may_not_see(lost, factories):
    other = factories.case(
        kind="litigation",
        number="（2026）浙0183行初99号",
        accepted_on=CONCLUDED,
        concluded_on=CONCLUDED,
        outcome="revoked",
    )
    with pytest.raises(services.CaseInvalid):
        services.register_case(second_instance_data(lost["unit"], other), lost["liaison"], TODAY)


def test_register_second_instance_opens_the_form_prefilled_and_linked(lost, login_as):
    client = login_as("legal")
    page = client.get(f"/cases/{lost['case'].id}").get_data(as_text=True)
    assert 'id="follow-appeal"' in page
    html = client.get(f"/cases/new?follows={lost['case'].id}&relation=appeal").get_data(as_text=True)
    assert "（2026）浙0183行初11号" in html and "张三" in html and "李四" in html
    assert 'value="second" selected' in html or 'selected value="second"' in html


def test_the_edit_form_shows_the_link_and_saving_it_unchanged_keeps_it(lost, factories, login_as):
    clerk = factories.user(role="legal")
    second = services.register_case(second_instance_data(lost["unit"], lost["case"]), clerk, TODAY)
    db.session.commit()
    client = login_as("legal")
    html = client.get(f"/cases/{second.id}/edit").get_data(as_text=True)
    assert 'value="（2026）浙0183行初11号"' in html
    form = {
        "csrf_token": csrf_token(client.client, f"/cases/{second.id}/edit"),
        "version": second.version,
        "kind": "litigation",
        "number": second.number,
        "instance": "second",
        "procedure": "normal",
        "respondent_unit_id": lost["unit"].id,
        "handler_id": 0,
        "applicants": "张三",
        "applicant_count": 1,
        "matter": "penalty",
        "received_on": TODAY.isoformat(),
        "related_relation": "appeal",
        "related_number": "(2026)浙0183行初11号",  # typed with half-width brackets: the same number
        "summary": "上诉",
    }
    assert client.post(f"/cases/{second.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Case, second.id)
    assert saved.related_case_id == lost["case"].id and saved.summary == "上诉"
