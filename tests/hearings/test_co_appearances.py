"""Issue 12 item 6: appearance is recorded per respondent unit at each hearing. The main respondent's record is the
hearing's own (the form and the ledger as before); each co-defendant (共同被告) records its own head, by its own
liaison or the staff, and a liaison of one respondent cannot write another's."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.cases.models import CaseRespondent
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.hearings import services
from casetrack.hearings.models import Hearing, HearingAppearance

TODAY = local_today()


@pytest.fixture
def held(factories):
    bureau, district = factories.unit(name="区住建局"), factories.unit(name="区政府", kind="district")
    case = factories.case(kind="litigation", respondent_unit=bureau, received_on=TODAY - timedelta(days=60))
    db.session.add(CaseRespondent(case=case, unit_id=district.id, role="review_body"))
    hearing = Hearing(case=case, held_on=TODAY - timedelta(days=1), court="富阳区人民法院")
    db.session.add(hearing)
    db.session.flush()
    db.session.refresh(case)
    return {
        "hearing": hearing,
        "bureau": bureau,
        "district": district,
        "main": factories.user(role="unit", unit=bureau),
        "co": factories.user(role="unit", unit=district),
    }


def test_a_co_defendants_liaison_records_its_own_heads_appearance_and_the_main_record_stays(held):
    hearing, district = held["hearing"], held["district"]
    services.name_principal(hearing, held["co"], name="副区长", title="deputy", unit_id=district.id)
    services.record_appearance(
        hearing, held["co"], TODAY, appeared=True, name="副区长", title="deputy", spoke=True, unit_id=district.id
    )
    (record,) = db.session.scalars(select(HearingAppearance)).all()
    assert (record.unit_id, record.appeared, record.principal_name, record.spoke) == (district.id, True, "副区长", True)
    assert hearing.appeared is None and hearing.principal_name is None
    comments = {
        e.comment for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "appearance_recorded"))
    }
    assert comments == {f"{hearing.held_on} 区政府"}


def test_a_liaison_cannot_record_for_another_respondent_unit(held):
    hearing = held["hearing"]
    with pytest.raises(PermissionDenied):
        services.record_appearance(
            hearing, held["main"], TODAY, appeared=True, name="某", title="main", unit_id=held["district"].id
        )
    with pytest.raises(PermissionDenied):
        services.record_appearance(hearing, held["co"], TODAY, appeared=True, name="某", title="main")
    assert db.session.scalars(select(HearingAppearance)).all() == [] and hearing.appeared is None


def test_a_unit_that_is_no_respondent_of_the_case_has_no_record(held, factories):
    clerk = factories.user(role="legal")
    with pytest.raises(DomainError):
        services.record_appearance(
            held["hearing"], clerk, TODAY, appeared=False, absence_reason="出差", unit_id=factories.unit().id
        )


def test_the_legal_bureau_approves_a_co_defendants_absence(held, factories):
    hearing, district = held["hearing"], held["district"]
    services.record_appearance(
        hearing, held["co"], TODAY, appeared=False, absence_reason="公务冲突", unit_id=district.id
    )
    legal = factories.user(role="legal")
    services.approve_absence(hearing, legal, unit_id=district.id)
    record = db.session.scalar(select(HearingAppearance))
    assert record.absence_approved and hearing.absence_approved_by_id is None


def test_the_hearing_page_shows_each_co_defendant_with_its_own_forms(held, login_as):
    db.session.commit()
    co = login_as(held["co"])
    page = html.unescape(co.get(f"/hearings/{held['hearing'].id}").get_data(as_text=True))
    assert "区政府" in page and "复议机关（共同被告）" in page
    action = f"/hearings/{held['hearing'].id}/respondents/{held['district'].id}/appearance"
    assert action in page
    assert 'id="appearance-form"' not in page  # the main respondent's form is not the co-defendant's to fill
    response = co.post(
        action,
        data={
            "appeared": "yes",
            "principal_name": "副区长",
            "principal_title": "deputy",
            "version": held["hearing"].version,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(HearingAppearance)).appeared is True
    page = html.unescape(co.get(f"/hearings/{held['hearing'].id}").get_data(as_text=True))
    assert "副区长" in page


def test_a_co_defendant_is_reminded_to_name_its_head_until_it_has(held):
    from casetrack.notifications.services import hearing_reminders

    hearing = held["hearing"]
    hearing.held_on = TODAY + timedelta(days=2)
    services.name_principal(hearing, held["main"], name="局长", title="main")
    assert {r.user_id for r in hearing_reminders(TODAY)} == {held["co"].id}
    services.name_principal(hearing, held["co"], name="副区长", title="deputy", unit_id=held["district"].id)
    assert hearing_reminders(TODAY) == []


def test_a_co_defendants_absence_waits_on_the_appearance_page_for_the_legal_bureau(held, login_as):
    hearing, district = held["hearing"], held["district"]
    services.record_appearance(
        hearing, held["co"], TODAY, appeared=False, absence_reason="公务冲突", unit_id=district.id
    )
    db.session.commit()
    page = html.unescape(login_as("legal").get("/hearings/appearance").get_data(as_text=True))
    assert "公务冲突" in page and f"#co-appearance-{district.id}" in page
