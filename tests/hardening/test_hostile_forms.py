"""Issue 10, item 7: the case form with values past what the register keeps gets a message and changes nothing."""

from datetime import date

import pytest

from casetrack.cases.models import Case
from casetrack.extensions import db


@pytest.fixture
def edit(factories, login_as):
    unit = factories.unit()
    case = factories.case(respondent_unit=unit, received_on=date(2020, 3, 2), summary="原摘要")
    db.session.commit()
    form = {
        "number": case.number,
        "respondent_unit_id": unit.id,
        "applicants": "张三",
        "matter": "penalty",
        "received_on": "2020-03-02",
        "procedure": "normal",
        "summary": "新摘要",
        "version": case.version,
    }
    return login_as("legal"), case, form


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"applicants": "王" * 201}, 400, "200"),
        ({"applicant_count": "99999999999"}, 400, "1000000"),
        ({"version": "abc"}, 409, ""),
        ({"handler_id": "99999999999"}, 400, ""),
        ({"respondent_unit_id": "99999999999"}, 400, ""),
    ],
)
def test_an_edit_past_the_registers_limits_is_refused_and_changes_nothing(edit, changes, status, message):
    client, case, form = edit
    response = client.post(f"/cases/{case.id}/edit", data={**form, **changes})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).summary == "原摘要"


def test_an_edit_without_a_summary_field_saves_an_empty_summary(edit):
    client, case, form = edit
    del form["summary"]
    assert client.post(f"/cases/{case.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).summary == ""
