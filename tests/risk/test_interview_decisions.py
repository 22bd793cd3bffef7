"""Leaders decide interview proposals (issue 17, item 3): 同意约谈 leaves it to the legal bureau to hold, 暂不约谈
needs a reason and keeps the proposal away until one more case is lost; both are audited."""

from datetime import date

import pytest
from sqlalchemy import select

from casetrack.audit.models import AuditEntry
from casetrack.clock import local_today
from casetrack.errors import DomainError, PermissionDenied
from casetrack.extensions import db
from casetrack.interviews import services

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def lost_unit(factories):
    unit = factories.unit(name="区自然资源局")
    today = local_today()
    factories.case(
        kind="litigation",
        number="（2026）浙0111行初31号",
        respondent_unit=unit,
        received_on=today.replace(day=1) if today.day > 1 else today,
        accepted_on=today,
        concluded_on=today,
        outcome="revoked",
    )
    db.session.commit()
    return unit


def _lose_another(factories, unit, number):
    today = local_today()
    factories.case(
        kind="litigation",
        number=number,
        respondent_unit=unit,
        received_on=today,
        accepted_on=today,
        concluded_on=today,
        outcome="revoked",
    )
    db.session.commit()


def _proposal(unit):
    return next((p for p in services.proposals(local_today()) if p.unit.id == unit.id), None)


def test_a_declined_proposal_needs_a_reason_and_returns_with_the_next_loss(factories, lost_unit):
    leader = factories.user(role="leader", username="fuqu")
    proposal = _proposal(lost_unit)
    assert proposal is not None and proposal.lost_cases == 1 and proposal.decision is None
    with pytest.raises(DomainError):
        services.decide(leader, lost_unit.id, proposal.since, "declined", "  ", local_today())

    services.decide(leader, lost_unit.id, proposal.since, "declined", "已书面督促整改", local_today())
    db.session.commit()
    assert _proposal(lost_unit) is None
    (held_back,) = [p for p in services.proposals(local_today(), with_declined=True) if p.unit.id == lost_unit.id]
    assert (held_back.decision.decision, held_back.decision.reason) == ("declined", "已书面督促整改")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity_type == "interview_decision")).one()
    assert (entry.action, entry.comment, entry.actor_id) == ("declined", "已书面督促整改", leader.id)

    _lose_another(factories, lost_unit, "（2026）浙0111行初32号")
    again = _proposal(lost_unit)
    assert again is not None and again.lost_cases == 2 and again.decision is None
    assert again.declined_before.reason == "已书面督促整改"


def test_a_leader_may_agree_after_declining(factories, lost_unit):
    leader = factories.user(role="leader", username="fuqu")
    since = _proposal(lost_unit).since
    services.decide(leader, lost_unit.id, since, "declined", "先书面督促", local_today())
    services.decide(leader, lost_unit.id, since, "agreed", "", local_today())
    db.session.commit()
    assert _proposal(lost_unit).decision.decision == "agreed"


def test_an_agreed_proposal_stays_listed_as_agreed_until_the_interview_is_held(factories, lost_unit):
    leader = factories.user(role="leader", username="fuqu")
    proposal = _proposal(lost_unit)
    services.decide(leader, lost_unit.id, proposal.since, "agreed", "", local_today())
    db.session.commit()
    agreed = _proposal(lost_unit)
    assert agreed.decision.decision == "agreed" and agreed.decision.decided_by_id == leader.id


def test_only_a_leader_decides_and_only_the_proposal_as_it_stands(factories, lost_unit):
    proposal = _proposal(lost_unit)
    with pytest.raises(PermissionDenied):
        services.decide(factories.user(role="legal"), lost_unit.id, proposal.since, "agreed", "", local_today())
    leader = factories.user(role="leader", username="fuqu")
    with pytest.raises(DomainError):
        services.decide(leader, lost_unit.id, date(2000, 1, 1), "agreed", "", local_today())  # a stale page
    with pytest.raises(DomainError):
        services.decide(leader, lost_unit.id, proposal.since, "postponed", "", local_today())
    assert _proposal(lost_unit).decision is None


def test_a_leader_decides_on_the_interviews_page(factories, lost_unit, login_as):
    leader = factories.user(role="leader", username="fuqu")
    db.session.commit()
    client = login_as(leader)
    page = client.get("/interviews/").get_data(as_text=True)
    assert "同意约谈" in page and "暂不约谈" in page
    since = _proposal(lost_unit).since.isoformat()
    refused = client.post(
        f"/interviews/proposals/{lost_unit.id}/decision",
        data={"since": since, "decision": "declined", "reason": ""},
        follow_redirects=True,
    )
    assert "请说明暂不约谈的理由" in refused.get_data(as_text=True)
    declined = client.post(
        f"/interviews/proposals/{lost_unit.id}/decision",
        data={"since": since, "decision": "declined", "reason": "已书面督促整改"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已书面督促整改" in declined and "暂不约谈" in declined  # shown on the proposal, with its reason
    done = client.post(
        f"/interviews/proposals/{lost_unit.id}/decision",
        data={"since": since, "decision": "agreed"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已同意约谈" in done and "同意约谈" in done
    legal = login_as(factories.user(role="legal", username="fazhi2"))
    assert (
        legal.post(
            f"/interviews/proposals/{lost_unit.id}/decision", data={"since": since, "decision": "agreed"}
        ).status_code
        == 403
    )
