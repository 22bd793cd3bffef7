"""Issue 12 item 6: co-defendants (共同被告, 行政诉讼法 Art 26(2)) — the rule that proposes the review body, the
services that name and remove co-defendants (audited), and the pages staff use for it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.cases import kinds, rules, services
from casetrack.cases.models import CaseRespondent
from casetrack.clock import local_today
from casetrack.errors import PermissionDenied
from casetrack.extensions import db
from casetrack.history import value_text

TODAY = local_today()
DISTRICT, BUREAU, TOWN = 1, 2, 3


def review(outcome="upheld", unit=BUREAU, applicants=("张三",), linked=False, number="富政复〔2025〕3号"):
    return rules.PriorReview(number, unit, frozenset(applicants), outcome, linked=linked)


# --- the rule -------------------------------------------------------------------------------------------------


def test_a_lawsuit_after_an_upheld_review_gets_the_district_government_proposed_as_co_defendant():
    proposed = rules.proposed_codefendants("litigation", BUREAU, ["张三"], [review()], DISTRICT)
    assert proposed == [rules.ProposedRespondent(DISTRICT, kinds.REVIEW_BODY, "富政复〔2025〕3号")]


@pytest.mark.parametrize(
    "why, kind, reviews, named",
    [
        ("the review corrected the act: the review body alone is sued", "litigation", [review("revoked")], ()),
        ("another applicant's review", "litigation", [review(applicants=("李四",))], ()),
        ("a review of another unit's act", "litigation", [review(unit=TOWN)], ()),
        ("the district government is already named", "litigation", [review()], (DISTRICT,)),
        ("a review case has no co-defendant review body", "review", [review()], ()),
        ("no review at all", "litigation", [], ()),
    ],
)
def test_no_co_defendant_is_proposed(why, kind, reviews, named):
    assert rules.proposed_codefendants(kind, BUREAU, ["张三"], reviews, DISTRICT, named_unit_ids=named) == [], why


def test_a_linked_review_decides_alone_whoever_its_parties_are():
    """Once a lawsuit names the review it follows (复议后起诉), that review decides: upheld proposes, whatever the
    applicants are called; a corrected linked review proposes nothing even if another upheld review matches."""
    upheld = review(applicants=("某公司",), unit=TOWN, linked=True)
    assert rules.proposed_codefendants("litigation", BUREAU, ["张三"], [upheld], DISTRICT)[0].unit_id == DISTRICT
    corrected = review("revoked", linked=True)
    assert rules.proposed_codefendants("litigation", BUREAU, ["张三"], [corrected, review()], DISTRICT) == []


def test_the_district_government_as_main_respondent_is_not_proposed_again():
    assert rules.proposed_codefendants("litigation", DISTRICT, ["张三"], [review(unit=DISTRICT)], DISTRICT) == []


def test_co_defendant_problems_name_the_main_respondent_twice_and_a_role_the_kind_lacks():
    assert rules.co_respondent_problems("litigation", BUREAU, [(DISTRICT, "review_body"), (TOWN, "other")]) == []
    messages = {p.message for p in rules.co_respondent_problems("litigation", BUREAU, [(BUREAU, "other")])}
    assert messages == {"The respondent unit is already a respondent of the case."}
    twice = rules.co_respondent_problems("litigation", BUREAU, [(TOWN, "other"), (TOWN, "original_act")])
    assert [p.message for p in twice] == ["A unit is named twice as co-defendant."]
    # A review body is a co-defendant of a lawsuit, never of the review it decides itself.
    assert rules.co_respondent_problems("review", BUREAU, [(DISTRICT, "review_body")])


# --- the services ---------------------------------------------------------------------------------------------


def lawsuit_data(unit, **changes):
    return {
        "kind": "litigation",
        "instance": "first",
        "number": "（2026）浙0111行初9号",
        "respondent_unit_id": unit.id,
        "matter": "penalty",
        "applicants": [{"name": "张三"}],
        "received_on": TODAY - timedelta(days=3),
        **changes,
    }


def audit_of(case, field="co_respondents"):
    stmt = select(AuditEntry).where(
        AuditEntry.entity_type == "case", AuditEntry.entity_id == case.id, AuditEntry.field == field
    )
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def test_a_registered_lawsuit_names_its_co_defendants_and_the_trail_says_who_in_which_role(factories):
    clerk = factories.user(role="mediator")
    bureau, district = factories.unit(name="区市场监管局"), factories.unit(name="区政府", kind="district")
    case = services.register_case(lawsuit_data(bureau, co_respondents=[(district.id, "review_body")]), clerk, TODAY)
    assert [(unit.name, role) for unit, role in case.respondents] == [
        ("区市场监管局", "original_act"),
        ("区政府", "review_body"),
    ]
    (entry,) = audit_of(case)
    assert value_text(entry, entry.after) == "区政府（复议机关（共同被告））"


def test_adding_and_removing_a_co_defendant_is_audited_and_a_bad_one_changes_nothing(factories):
    clerk = factories.user(role="legal")
    bureau, town = factories.unit(name="区城管局"), factories.unit(name="东洲街道", kind="town")
    case = services.register_case(lawsuit_data(bureau), clerk, TODAY)
    services.add_co_respondent(case, clerk, TODAY, unit_id=town.id, role="original_act", expected_version=case.version)
    assert [r.unit_id for r in case.co_respondents] == [town.id]
    with pytest.raises(services.CaseInvalid):
        services.add_co_respondent(case, clerk, TODAY, unit_id=bureau.id, role="other")
    with pytest.raises(services.CaseInvalid):
        services.add_co_respondent(case, clerk, TODAY, unit_id=999_999, role="other")
    db.session.expire_all()
    assert [r.unit_id for r in case.co_respondents] == [town.id]
    services.remove_co_respondent(case, clerk, TODAY, unit_id=town.id, expected_version=case.version)
    db.session.flush()
    assert db.session.scalars(select(CaseRespondent)).all() == []
    assert [(e.before, e.after) for e in audit_of(case)] == [
        (None, "东洲街道(original_act)"),
        ("东洲街道(original_act)", None),
    ]


def test_a_unit_liaison_cannot_name_co_defendants(factories):
    liaison = factories.user(role="unit")
    other = factories.unit()
    case = factories.case(kind="litigation", respondent_unit=liaison.unit)
    with pytest.raises(PermissionDenied):
        services.add_co_respondent(case, liaison, TODAY, unit_id=other.id, role="other")
    assert case.co_respondents == []


def test_the_district_government_is_proposed_from_an_upheld_review_in_the_database(factories):
    bureau, district = factories.unit(), factories.unit(name="区人民政府", kind="district")
    factories.case(
        kind="review",
        respondent_unit=bureau,
        applicants=["王五"],
        accepted_on=date(2025, 3, 1),
        concluded_on=date(2025, 4, 1),
        outcome="upheld",
        number="富政复〔2025〕8号",
    )
    (proposal,) = services.proposed_codefendants("litigation", bureau.id, ["王五"])
    assert (proposal.unit_id, proposal.role, proposal.because_of) == (district.id, "review_body", "富政复〔2025〕8号")
    assert services.proposed_codefendants("litigation", bureau.id, ["赵六"]) == []
    assert services.proposed_codefendants("litigation", bureau.id, ["王五"], named_unit_ids=[district.id]) == []


# --- the pages ------------------------------------------------------------------------------------------------


def page_text(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))


def test_staff_register_a_lawsuit_with_a_co_defendant_through_the_form(login_as, factories):
    from tests.factories import case_form

    bureau, district = factories.unit(name="区自然资源局"), factories.unit(name="区政府", kind="district")
    clerk = login_as("mediator")
    form = case_form(bureau, TODAY - timedelta(days=3), kind="litigation", number="（2026）浙0111行初21号")
    form.update({"co_respondents-0-unit_id": district.id, "co_respondents-0-role": "review_body"})
    form.update({"co_respondents-1-unit_id": 0, "co_respondents-1-role": "review_body"})
    response = clerk.post("/cases/new", data=form)
    assert response.status_code == 302, page_text(response)[:3000]
    page = page_text(clerk.get(response.headers["Location"]))
    assert "共同被告" in page and "区政府" in page and "复议机关（共同被告）" in page


def test_a_co_defendant_named_twice_on_the_form_is_refused_with_a_message_and_nothing_saved(login_as, factories):
    from tests.factories import case_form

    bureau, town = factories.unit(), factories.unit(name="银湖街道", kind="town")
    clerk = login_as("legal")
    form = case_form(bureau, TODAY - timedelta(days=3), kind="litigation", number="（2026）浙0111行初22号")
    form.update({f"co_respondents-{i}-unit_id": town.id for i in range(2)})
    form.update({f"co_respondents-{i}-role": "original_act" for i in range(2)})
    response = clerk.post("/cases/new", data=form)
    assert response.status_code == 400
    assert "同一单位被重复列为共同被告" in page_text(response)
    assert db.session.scalars(select(CaseRespondent)).all() == []


def test_the_case_page_proposes_the_district_government_and_adds_it_in_one_click(login_as, factories):
    bureau, district = factories.unit(name="区交通运输局"), factories.unit(name="区政府", kind="district")
    factories.case(
        kind="review",
        respondent_unit=bureau,
        applicants=["周七"],
        accepted_on=date(2025, 3, 1),
        concluded_on=date(2025, 4, 1),
        outcome="upheld",
        number="富政复〔2025〕11号",
    )
    lawsuit = factories.case(kind="litigation", respondent_unit=bureau, applicants=["周七"], received_on=TODAY)
    clerk = login_as("legal")
    page = page_text(clerk.get(f"/cases/{lawsuit.id}"))
    assert "复议案件富政复〔2025〕11号维持了本案被诉的行政行为" in page
    edit = page_text(clerk.get(f"/cases/{lawsuit.id}/edit"))
    assert f'<option selected value="{district.id}">' in edit
    response = clerk.post(
        f"/cases/{lawsuit.id}/co-respondents",
        data={"unit_id": district.id, "role": "review_body", "version": lawsuit.version},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [(r.unit_id, r.role) for r in lawsuit.co_respondents] == [(district.id, "review_body")]
    page = page_text(clerk.get(f"/cases/{lawsuit.id}"))
    assert "维持了本案被诉的行政行为" not in page  # proposed no more: it is named


def test_a_unit_liaison_gets_no_co_defendant_controls(login_as, factories):
    liaison = login_as("unit")
    case = factories.case(kind="litigation", respondent_unit=liaison.user.unit)
    db.session.commit()
    page = page_text(liaison.get(f"/cases/{case.id}"))
    assert "添加共同被告" not in page
    assert liaison.post(f"/cases/{case.id}/co-respondents", data={"unit_id": 1, "role": "other"}).status_code == 403


def test_naming_a_co_defendant_moves_the_cases_version_so_an_older_page_cannot_save_over_it(factories):
    from casetrack.errors import ConflictError

    clerk, town = factories.user(role="legal"), factories.unit(kind="town")
    case = services.register_case(lawsuit_data(factories.unit()), clerk, TODAY)
    opened = case.version
    services.add_co_respondent(case, clerk, TODAY, unit_id=town.id, role="other", expected_version=opened)
    db.session.flush()
    assert case.version == opened + 1
    with pytest.raises(ConflictError):
        services.update_case(case, {"summary": "旧页面"}, clerk, TODAY, expected_version=opened)
