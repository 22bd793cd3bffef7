import re
from datetime import date, timedelta

import pytest

from casetrack.accounts.permissions import SYSTEM
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.hearings import services
from casetrack.hearings.models import Hearing

TODAY = local_today()


@pytest.fixture
def litigation_case(factories):
    unit = factories.unit(name="区住建局", head_name="李志强")
    return factories.case(
        kind="litigation", number="(2026)浙0111行初9号", respondent_unit=unit, received_on=TODAY - timedelta(days=60)
    )


def test_a_hearing_can_be_scheduled_only_on_a_litigation_case(factories, litigation_case):
    clerk = factories.user(role="legal")
    hearing = services.schedule_hearing(litigation_case, clerk, held_on=TODAY + timedelta(days=3), court="富阳区法院")
    assert hearing.case is litigation_case
    review = factories.case(respondent_unit=litigation_case.respondent_unit)
    with pytest.raises(DomainError):
        services.schedule_hearing(review, clerk, held_on=TODAY, court="富阳区法院")


def test_no_appearance_without_a_reason_is_refused(factories, litigation_case):
    liaison = factories.user(role="unit", unit=litigation_case.respondent_unit)
    hearing = services.schedule_hearing(litigation_case, liaison, held_on=TODAY - timedelta(days=1), court="法院")
    with pytest.raises(DomainError) as error:
        services.record_appearance(hearing, liaison, TODAY, appeared=False, absence_reason="  ")
    assert "reason" in error.value.message
    assert hearing.appeared is None


def test_appearance_cannot_be_recorded_before_the_hearing(factories, litigation_case):
    liaison = factories.user(role="unit", unit=litigation_case.respondent_unit)
    hearing = services.schedule_hearing(litigation_case, liaison, held_on=TODAY + timedelta(days=2), court="法院")
    with pytest.raises(DomainError):
        services.record_appearance(hearing, liaison, TODAY, appeared=True, name="李志强", title="main", spoke=True)


def test_an_absence_needs_the_legal_bureaus_approval(factories, litigation_case):
    liaison, legal = factories.user(role="unit", unit=litigation_case.respondent_unit), factories.user(role="legal")
    hearing = services.schedule_hearing(litigation_case, liaison, held_on=TODAY, court="法院")
    services.record_appearance(hearing, liaison, TODAY, appeared=False, absence_reason="住院治疗")
    with pytest.raises(PermissionDenied):
        services.approve_absence(hearing, liaison)
    services.approve_absence(hearing, legal)
    assert hearing.absence_approved_by_id == legal.id


def test_a_unit_cannot_record_appearance_for_another_units_hearing(factories, litigation_case, login_as):
    hearing = services.schedule_hearing(litigation_case, SYSTEM, held_on=TODAY, court="法院")
    db.session.commit()
    outsider = login_as("unit")
    assert outsider.get(f"/hearings/{hearing.id}").status_code == 404
    response = outsider.post(
        f"/hearings/{hearing.id}/appearance",
        data={"appeared": "yes", "principal_name": "冒名", "principal_title": "main"},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Hearing, hearing.id).appeared is None


def test_the_liaison_names_the_head_then_records_the_appearance(factories, litigation_case, login_as):
    hearing = services.schedule_hearing(litigation_case, SYSTEM, held_on=TODAY, court="富阳区法院")
    db.session.commit()
    liaison = login_as(factories.user(role="unit", unit=litigation_case.respondent_unit))
    page = liaison.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    liaison.post(
        f"/hearings/{hearing.id}/principal",
        data={"principal_name": "李志强", "principal_title": "main", "version": version},
    )
    db.session.expire_all()
    assert db.session.get(Hearing, hearing.id).principal_name == "李志强"
    # The appearance form of the page as it is after that save carries the hearing's new version.
    page = liaison.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = liaison.post(
        f"/hearings/{hearing.id}/appearance",
        data={
            "appeared": "yes",
            "principal_name": "李志强",
            "principal_title": "main",
            "spoke": "y",
            "version": version,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    recorded = db.session.get(Hearing, hearing.id)
    assert recorded.appeared and recorded.spoke
    assert "负责人已出庭" in liaison.get(f"/hearings/{hearing.id}").get_data(as_text=True)


def test_the_calendar_shows_a_week_and_a_month_and_a_unit_only_its_own(factories, litigation_case, login_as):
    other_case = factories.case(
        kind="litigation",
        number="外单位1号",
        respondent_unit=factories.unit(name="东洲街道"),
        received_on=TODAY - timedelta(days=60),
    )
    services.schedule_hearing(litigation_case, SYSTEM, held_on=TODAY, court="富阳区法院")
    services.schedule_hearing(other_case, SYSTEM, held_on=TODAY, court="富阳区法院")
    services.schedule_hearing(other_case, SYSTEM, held_on=TODAY + timedelta(days=40), court="中院")
    db.session.commit()
    staff = login_as("legal")
    week = staff.get("/hearings/calendar").get_data(as_text=True)
    assert "(2026)浙0111行初9号" in week and "外单位1号" in week
    month = staff.get(f"/hearings/calendar?view=month&start={(TODAY + timedelta(days=40)).isoformat()}")
    assert "外单位1号" in month.get_data(as_text=True)
    filtered = staff.get(f"/hearings/calendar?unit_id={litigation_case.respondent_unit_id}").get_data(as_text=True)
    assert "外单位1号" not in filtered
    liaison = login_as(factories.user(role="unit", unit=litigation_case.respondent_unit))
    own = liaison.get("/hearings/calendar").get_data(as_text=True)
    assert "(2026)浙0111行初9号" in own and "外单位1号" not in own


def test_the_appearance_page_shows_the_rate_by_the_definition(factories, litigation_case, login_as):
    for day, appeared in ((date(2025, 3, 1), True), (date(2025, 4, 1), False)):
        db.session.add(
            Hearing(
                case=litigation_case,
                held_on=day,
                court="法院",
                appeared=appeared,
                absence_reason=None if appeared else "出差",
            )
        )
    second = factories.case(
        kind="litigation", number="L2", respondent_unit=litigation_case.respondent_unit, received_on=date(2025, 1, 1)
    )
    db.session.add(Hearing(case=second, held_on=date(2025, 5, 1), court="法院", appeared=False, absence_reason="病"))
    db.session.commit()
    page = login_as("leader").get("/hearings/appearance?year=2025").get_data(as_text=True)
    assert "50.00%" in page


def test_a_crowded_day_in_the_month_view_shows_a_few_and_counts_the_rest(factories, litigation_case, login_as):
    for _ in range(7):
        services.schedule_hearing(litigation_case, SYSTEM, held_on=TODAY, court="富阳区法院")
    db.session.commit()
    page = login_as("legal").get(f"/hearings/calendar?view=month&start={TODAY.isoformat()}").get_data(as_text=True)
    assert page.count('class="hearing unnamed"') == 5 and "另有2件" in page
    assert "共7场庭审" in page
