"""Issue 10, item 8: a form that carries the version of its record (optimistic locking) and is posted without it, or
with it empty, is refused like a form from a page older than the record — the same answer, the same message — and
changes nothing; it used to overwrite whatever was saved meanwhile. A version that is not a number ("abc", "²") is
refused the same way (the mediation's close form answered it with a server error)."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import casetrack
from casetrack.case_file.forms import AnswerForm, EvidenceChangeForm, ServiceForm
from casetrack.cases.forms import (
    AppealDecisionForm,
    CaseForm,
    CoRespondentForm,
    CorrectionExtensionForm,
    TransitionForm,
)
from casetrack.documents.forms import ReplaceForm, WithdrawForm
from casetrack.forms import VersionField
from casetrack.hearings.forms import AppearanceForm, PrincipalForm
from casetrack.mediation.forms import CloseForm
from casetrack.rectification.forms import DoneForm, PlanForm
from casetrack.review_hearings.forms import AttendanceForm, NoticeForm
from casetrack.risk.forms import CommentForm, ConfirmRiskForm
from casetrack.suggestions.forms import ActionForm
from tests.hardening.harvest import MISSING, form_on
from tests.hardening.world import every_row, flashed, signed_in

CASE = "您打开该案件后，案件已被他人修改。您的修改未保存：请重新加载案件查看他人的修改，然后重新进行修改。"
RISK = "您打开该风险案件后，风险案件信息已被他人修改。请刷新页面后重试。"
HEARING = "您打开该庭审后，庭审信息已被他人修改。请刷新页面后重试。"
REVIEW_HEARING = "您打开该听证后，听证信息已被他人修改。请刷新页面后重试。"
DOCUMENT = "在您打开后，其他人修改了这份文件。请刷新页面后重试。"
MEDIATION = "您打开该调解后，调解信息已被他人修改。请刷新页面后重试。"
SUGGESTION = "您打开该建议后，建议信息已被他人修改。请刷新页面后重试。"
RECTIFICATION = "您打开该整改事项后，整改信息已被他人修改。请刷新页面后重试。"


@dataclass(frozen=True)
class Versioned:
    form: type
    #: The page showing the form and the form's action, with the world's ids (world.build) filled in by name.
    page: str
    action: str
    message: str
    #: The answer to a stale version: the form again (409), or back to the page with the message (302).
    status: int = 302

    @property
    def id(self) -> str:
        return self.action.replace("{", "").replace("}", "")


def _versioned(form, page, action_end, message, status=302):
    return Versioned(form, page, page.split("?")[0] + action_end, message, status)


ROWS = (
    _versioned(CaseForm, "/cases/{case_id[received]}/edit", "", CASE, 409),
    *(
        _versioned(TransitionForm, f"/cases/{{case_id[{record}]}}", f"/{action}", CASE)
        for record, action in (
            ("received", "accept"),
            ("received", "decline"),
            ("accepted", "suspend"),
            ("accepted", "conclude"),
            ("suspended", "resume"),
            ("concluded", "reopen"),
            ("received", "request_correction"),
            ("correcting", "correction_received"),
            ("correcting", "correction_abandoned"),
        )
    ),
    _versioned(CorrectionExtensionForm, "/cases/{case_id[correcting]}", "/correction/extend", CASE),
    _versioned(AppealDecisionForm, "/cases/{case_id[lost]}", "/appeal-decision", CASE),
    _versioned(CoRespondentForm, "/cases/{case_id[accepted]}", "/co-respondents", CASE),
    _versioned(CoRespondentForm, "/cases/{case_id[accepted]}", "/co-respondents/{unit_id[co_respondent]}/remove", CASE),
    _versioned(ConfirmRiskForm, "/risk/{risk_case_id[pending]}", "/confirm", RISK),
    *(
        _versioned(CommentForm, f"/risk/{{risk_case_id[{record}]}}", f"/{action}", RISK)
        for record, action in (
            ("pending", "dismiss"),
            ("cross_off", "approve"),
            ("cross_off", "send_back"),
            ("dismissed", "reopen"),
            ("ready", "request_cross_off"),
        )
    ),
    _versioned(PrincipalForm, "/hearings/{hearing_id[held]}", "/principal", HEARING),
    _versioned(AppearanceForm, "/hearings/{hearing_id[held]}", "/appearance", HEARING),
    _versioned(NoticeForm, "/review-hearings/{review_hearing_id[held]}", "/notice", REVIEW_HEARING),
    _versioned(AttendanceForm, "/review-hearings/{review_hearing_id[held]}", "/attendance", REVIEW_HEARING),
    _versioned(CloseForm, "/mediations/{mediation_id[open]}", "/close", MEDIATION),
    _versioned(ReplaceForm, "/documents/{document_id[answer]}", "/replace", DOCUMENT),
    Versioned(AnswerForm, "/cases/{case_id[accepted]}", "/case-file/{case_id[accepted]}/answer", CASE),
    Versioned(ServiceForm, "/cases/{case_id[accepted]}", "/case-file/{case_id[accepted]}/services", CASE),
    Versioned(
        EvidenceChangeForm,
        "/cases/{case_id[accepted]}",
        "/case-file/{case_id[accepted]}/evidence/{evidence_id[licence]}/remove",
        CASE,
    ),
    _versioned(WithdrawForm, "/documents/{document_id[answer]}", "/withdraw", DOCUMENT),
    _versioned(ActionForm, "/suggestions/{suggestion_id[received]}", "/act", SUGGESTION),
    _versioned(PlanForm, "/rectification/{rectification_id[open]}", "/plan", RECTIFICATION),
    _versioned(DoneForm, "/rectification/{rectification_id[open]}", "/done", RECTIFICATION),
)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_a_versioned_form_without_its_version_is_refused_like_a_stale_one_and_changes_nothing(app, world, row):
    # The legal bureau may post every one of these forms.
    client = signed_in(app, world["people"]["legal"])
    form = form_on(client, row.page.format(**world["ids"]), row.action.format(**world["ids"]))
    (version,) = form.fields["version"]
    answers = {}
    for label, value in (
        ("stale", str(int(version) + 1)),
        ("abc", "abc"),
        ("²", "²"),
        ("empty", ""),
        ("missing", MISSING),
    ):
        before = every_row()
        body = form.body("version", value)
        body.setlist("csrf_token", [client.token])
        response = client.client.post(form.action, data=body)
        answers[label] = response.status_code
        assert row.message in flashed(client, response), label
        assert every_row() == before, f"{label} changed the database"
    assert answers == dict.fromkeys(answers, row.status)


def _form_classes() -> set[type]:
    for module in pkgutil.iter_modules(casetrack.__path__):
        if module.ispkg and importlib.util.find_spec(f"casetrack.{module.name}.forms"):
            importlib.import_module(f"casetrack.{module.name}.forms")
    found, todo = set(), [FlaskForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            found.add(subclass)
            todo.append(subclass)
    return found


def test_every_form_carrying_a_version_keeps_it_in_a_version_field_and_is_tested_here():
    versioned = {form for form in _form_classes() if isinstance(getattr(form, "version", None), UnboundField)}
    assert all(form.version.field_class is VersionField for form in versioned)
    assert versioned == {row.form for row in ROWS}
