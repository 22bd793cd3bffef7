"""Issue 10, item 7: a form that names a record by an id that is none — unknown, past a database integer, not a
number — or names a user who may not be chosen there (inactive, of another role or unit) is refused with a message
and changes nothing. Ids past a database integer used to reach the database (a server error on both kinds of it)."""

from __future__ import annotations

import pytest

from casetrack.extensions import db
from tests.hardening.harvest import form_on
from tests.hardening.world import every_row, flashed, signed_in

#: Ids of no record: unknown, past a database integer (twice), not a number, a non-ASCII digit, negative.
NO_IDS = ("999999", "2147483648", "9" * 20, "abc", "²", "-1")
#: What each task-force field's refusal says.
TASK_FORCE_REFUSALS = {
    "legal_lead_id": "法制专班牵头人必须是已启用的司法局用户。",
    "unit_lead_id": "单位专班牵头人必须是被申请人/被告已启用的单位联络员。",
    "legal_member_ids": "法制专班成员必须是司法局用户。",
    "unit_member_ids": "单位专班成员必须属于被申请人/被告单位。",
}


def _refused_unchanged(client, form, changes: dict, message: str, status: int = 302) -> list:
    """Post ``form`` with ``changes``; what went otherwise than a refusal with ``message`` that changed nothing."""
    problems = []
    for name, value in changes.items():
        before = every_row()
        body = form.body()
        body.setlist(name, [value])
        body.setlist("csrf_token", [client.token])
        response = client.client.post(form.action, data=body)
        page = flashed(client, response)
        if response.status_code != status or message not in page:
            problems.append((name, value, response.status_code, "message not shown"))
        if every_row() != before:
            problems.append((name, value, "changed the database"))
    return problems


@pytest.fixture
def confirming(app, world):
    """The legal bureau on the page of a risk case pending review, with the task-force form filled in."""
    client = signed_in(app, world["people"]["legal"])
    risk_case_id = world["ids"]["risk_case_id"]["pending"]
    page = f"/risk/{risk_case_id}"
    form = form_on(client, page, f"/risk/{risk_case_id}/confirm")
    form.fields.update(legal_lead_id=[str(world["people"]["legal"].id)], unit_lead_id=[str(world["people"]["unit"].id)])
    return client, form


@pytest.mark.parametrize("field", TASK_FORCE_REFUSALS)
def test_a_task_force_naming_no_such_user_is_refused_and_changes_nothing(confirming, field):
    client, form = confirming
    problems = []
    for value in NO_IDS:
        problems += _refused_unchanged(client, form, {field: value}, TASK_FORCE_REFUSALS[field])
    assert problems == []


@pytest.mark.parametrize(
    ("field", "who"),
    [
        ("legal_member_ids", "inactive legal"),
        ("legal_member_ids", "unit"),
        ("legal_lead_id", "inactive legal"),
        ("unit_member_ids", "legal"),
        ("unit_member_ids", "other unit"),
        ("unit_lead_id", "other unit"),
    ],
)
def test_a_task_force_naming_someone_who_may_not_serve_on_it_is_refused_and_changes_nothing(
    confirming, factories, world, field, who
):
    client, form = confirming
    person = {
        "inactive legal": lambda: factories.user(role="legal", active=False),
        "unit": lambda: world["people"]["unit_member"],
        "legal": lambda: world["people"]["legal_member"],
        "other unit": lambda: factories.user(role="unit"),
    }[who]()
    db.session.commit()
    assert _refused_unchanged(client, form, {field: str(person.id)}, TASK_FORCE_REFUSALS[field]) == []


def test_an_action_item_for_no_such_owner_is_refused_and_changes_nothing(app, world):
    client = signed_in(app, world["people"]["legal"])
    risk_case_id = world["ids"]["risk_case_id"]["task_force"]
    form = form_on(client, f"/risk/{risk_case_id}", f"/risk/{risk_case_id}/items")
    form.fields.update(text=["补充证据"])
    problems = []
    for value in NO_IDS:
        problems += _refused_unchanged(client, form, {"owner_id": value}, "责任人必须是所选专班的成员。")
    assert problems == []


@pytest.fixture
def interviewing(app, world):
    client = signed_in(app, world["people"]["legal"])
    form = form_on(client, f"/interviews/new?unit_id={world['unit'].id}", f"/interviews/new?unit_id={world['unit'].id}")
    form.fields.update(leader_name=["区长"], interviewee=["主任"])
    return client, form


def test_an_interview_of_no_such_unit_is_refused_and_changes_nothing(interviewing):
    client, form = interviewing
    problems = []
    for value in NO_IDS:
        problems += _refused_unchanged(client, form, {"unit_id": value}, "不是有效的选择。", status=400)
    assert problems == []


def test_an_interview_linking_no_such_case_is_refused_and_changes_nothing(interviewing):
    client, form = interviewing
    problems = []
    for value in NO_IDS:
        problems += _refused_unchanged(client, form, {"case_ids": value}, "关联案件必须是被约谈单位的案件。", 200)
    assert problems == []
