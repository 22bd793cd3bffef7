"""What every form shares (casetrack.forms) and the case form's outcome options (issue 11 item 6)."""

import html
import importlib
import pkgutil
import re
from datetime import timedelta

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import IntegerField
from wtforms.validators import NumberRange

import casetrack
from casetrack.cases.models import Case
from casetrack.cases.rules import MAX_APPLICANTS
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.forms import Form
from tests.factories import case_form as factory_case_form

TODAY = local_today()


def every_form_class() -> set[type]:
    for module in pkgutil.walk_packages(casetrack.__path__, "casetrack."):
        importlib.import_module(module.name)
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub.__module__.startswith("casetrack."):
                found.add(sub)
            todo.append(sub)
    return found


def test_every_form_takes_its_messages_from_the_casetrack_base():
    forms = every_form_class() - {Form}
    assert len(forms) > 20
    assert sorted(f"{cls.__module__}.{cls.__name__}" for cls in forms if not issubclass(cls, Form)) == []


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def case_form(unit, **changes) -> dict:
    return factory_case_form(unit, TODAY - timedelta(days=30), **{"number": "富政复〔2026〕77号", **changes})


def test_a_count_below_one_says_at_least_one_not_more_than_one(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    response = login_as("mediator").post("/cases/new", data=case_form(unit, applicant_count=0))
    assert response.status_code == 400
    page = text(response)
    assert f"数值须在1到{MAX_APPLICANTS}之间。" in page and "大于" not in page
    assert db.session.scalar(select(func.count(Case.id))) == 0


class _AtLeastOne(Form):
    count = IntegerField(validators=[NumberRange(min=1)])
    most = IntegerField(validators=[NumberRange(max=30)])


def test_a_one_sided_limit_says_the_limit_is_allowed(app):
    with app.test_request_context("/", method="POST", data={"count": "0", "most": "31"}):
        form = _AtLeastOne(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"count": ["数值不能小于1。"], "most": ["数值不能大于30。"]}


def selected_outcomes(page: str) -> list[str]:
    select_html = page.partition('name="outcome"')[2].partition("</select>")[0]
    return re.findall(r"<option selected value=\"[^\"]*\">([^<]*)</option>", select_html)


def outcome_labels(page: str) -> list[str]:
    select_html = page.partition('name="outcome"')[2].partition("</select>")[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_html)


def test_after_an_error_a_review_case_still_shows_its_own_outcome_chosen(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    concluded = {"concluded_on": TODAY.isoformat(), "outcome": "review:revoked"}
    response = login_as("mediator").post("/cases/new", data=case_form(unit, applicants="", **concluded))
    assert response.status_code == 400
    assert selected_outcomes(text(response)) == ["行政复议 · 撤销"]


def test_an_outcome_of_another_kind_is_refused(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    concluded = {"concluded_on": TODAY.isoformat(), "outcome": "litigation:dismissed"}
    response = login_as("mediator").post("/cases/new", data=case_form(unit, **concluded))
    assert response.status_code == 400
    assert "该处理结果不适用于此类案件。" in text(response)
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_editing_a_review_case_offers_only_review_outcomes_with_the_stored_one_chosen(login_as, factories):
    case = factories.case(
        kind="review", received_on=TODAY - timedelta(days=40), concluded_on=TODAY - timedelta(days=2), outcome="upheld"
    )
    db.session.commit()
    page = text(login_as("mediator").get(f"/cases/{case.id}/edit"))
    labels = outcome_labels(page)
    assert labels[0] == "—" and all(label.startswith("行政复议 · ") for label in labels[1:])
    assert selected_outcomes(page) == ["行政复议 · 维持"]
