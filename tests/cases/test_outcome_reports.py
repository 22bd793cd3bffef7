"""结案报备: a unit reports its case's outcome; only the legal bureau's confirmation concludes the case, so the
figures reported about a unit never rest on that unit's own say-so."""

from datetime import date

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.cases.models import Case, OutcomeReport
from casetrack.extensions import db
from casetrack.ledger.services import import_ledger
from casetrack.stats.queries import Period, figures
from tests.ledger.test_import import row, xlsx

ACCEPTED = date(2026, 9, 1)


@pytest.fixture
def setting(factories):
    unit = factories.unit(name="富春街道")
    case = factories.case(number="富政复〔2026〕7号", respondent_unit=unit, accepted_on=ACCEPTED)
    liaison = factories.user(role="unit", unit=unit)
    db.session.commit()
    return {"unit": unit, "case": case, "liaison": liaison}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def corrected_in_2026(unit_id=None) -> int:
    return figures(Period.year(2026), Period.year(2025), unit_id)["review"]["corrected"]


def test_a_unit_liaison_cannot_conclude_its_own_case_and_nothing_changes(login_as, setting):
    client = login_as(setting["liaison"])
    audit_before = count(AuditEntry)
    response = client.post(f"/cases/{setting['case'].id}/conclude", data={"on": "2026-11-20", "outcome": "revoked"})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, setting["case"].id)
    assert (case.status, case.outcome, case.concluded_on) == ("accepted", None, None)
    assert count(AuditEntry) == audit_before
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'action="/cases/{case.id}/conclude"' not in page
    assert 'id="report-outcome-form"' in page


def test_a_unit_liaison_cannot_set_an_outcome_through_the_edit_form(login_as, setting):
    from casetrack.cases.services import update_case
    from casetrack.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        update_case(
            setting["case"],
            {"outcome": "revoked", "concluded_on": date(2026, 11, 20)},
            setting["liaison"],
            date(2026, 12, 1),
            None,
        )


def test_a_reported_outcome_counts_only_once_the_legal_bureau_confirms_it(login_as, setting):
    unit_client = login_as(setting["liaison"])
    case_id = setting["case"].id
    response = unit_client.post(
        f"/cases/{case_id}/report-outcome",
        data={"on": "2026-11-20", "outcome": "revoked", "reason": "复议决定书已送达"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case_id).status == "accepted"
    assert corrected_in_2026(setting["unit"].id) == 0
    report = db.session.scalar(select(OutcomeReport))
    assert (report.status, report.outcome, report.concluded_on) == ("pending", "revoked", date(2026, 11, 20))

    legal = login_as("legal")
    queue = legal.get("/cases/outcome-reports").get_data(as_text=True)
    assert "富政复〔2026〕7号" in queue
    assert legal.post(f"/cases/outcome-reports/{report.id}/confirm").status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert (case.status, case.outcome, case.concluded_on) == ("concluded", "revoked", date(2026, 11, 20))
    assert corrected_in_2026(setting["unit"].id) == 1
    assert f"/cases/{case_id}#outcome-reports" not in legal.get("/cases/outcome-reports").get_data(as_text=True)


def test_the_legal_bureau_returns_a_report_with_a_reason_and_the_case_stays_open(login_as, setting):
    unit_client = login_as(setting["liaison"])
    case_id = setting["case"].id
    unit_client.post(f"/cases/{case_id}/report-outcome", data={"on": "2026-11-20", "outcome": "upheld"})
    report = db.session.scalar(select(OutcomeReport))
    legal = login_as("legal")
    legal.post(f"/cases/outcome-reports/{report.id}/return", data={"reason": ""})
    db.session.expire_all()
    assert db.session.get(OutcomeReport, report.id).status == "pending"
    legal.post(f"/cases/outcome-reports/{report.id}/return", data={"reason": "审结日期与决定书不符"})
    db.session.expire_all()
    assert db.session.get(OutcomeReport, report.id).status == "returned"
    assert db.session.get(Case, case_id).status == "accepted"
    assert "审结日期与决定书不符" in unit_client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_unit_cannot_confirm_its_own_report(login_as, setting):
    unit_client = login_as(setting["liaison"])
    case_id = setting["case"].id
    unit_client.post(f"/cases/{case_id}/report-outcome", data={"on": "2026-11-20", "outcome": "upheld"})
    report = db.session.scalar(select(OutcomeReport))
    assert unit_client.post(f"/cases/outcome-reports/{report.id}/confirm").status_code == 403
    db.session.expire_all()
    assert db.session.get(Case, case_id).status == "accepted"


def test_a_ledger_row_with_an_outcome_imported_by_a_unit_becomes_a_pending_report(tmp_path, setting):
    path = xlsx(
        tmp_path / "unit.xlsx",
        [
            row(
                number="富政复〔2026〕7号",
                unit="富春街道",
                received="2026-08-28",
                accepted="2026-09-01",
                concluded="2026-11-20",
                outcome="撤销",
            )
        ],
    )
    report = import_ledger(path, setting["liaison"], date(2026, 12, 1))
    db.session.commit()
    assert report.ok, report.error_lines()
    db.session.expire_all()
    case = db.session.get(Case, setting["case"].id)
    assert (case.status, case.outcome) == ("accepted", None)
    pending = db.session.scalars(select(OutcomeReport)).all()
    assert [(p.outcome, p.status) for p in pending] == [("revoked", "pending")]
    again = import_ledger(path, setting["liaison"], date(2026, 12, 1))
    db.session.commit()
    assert again.ok
    assert count(OutcomeReport) == 1


def test_a_case_handler_must_be_active_staff(login_as, setting, factories):
    from casetrack.cases.services import CaseInvalid, update_case

    other_liaison = factories.user(role="unit", unit=factories.unit(name="东洲街道"))
    db.session.commit()
    for handler_id in (other_liaison.id, 999_999):
        with pytest.raises(CaseInvalid):
            update_case(setting["case"], {"handler_id": handler_id}, setting["liaison"], date(2026, 12, 1), None)
    client = login_as(setting["liaison"])
    page = client.get(f"/cases/{setting['case'].id}/edit").get_data(as_text=True)
    assert f'<option value="{other_liaison.id}"' not in page
    assert other_liaison.username not in page
