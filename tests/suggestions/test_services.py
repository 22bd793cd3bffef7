"""Suggestions through their pages: registered by the legal bureau, replied to and rectified by the unit,
accepted by the legal bureau; another unit's suggestion is a 404; an overdue reply reminds and proposes an
interview."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.audit.models import AuditEntry
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.interviews.services import proposals
from casetrack.notifications.models import Notification
from casetrack.notifications.services import notify_due
from casetrack.suggestions.models import Suggestion
from tests.conftest import csrf_token

TODAY = local_today()
pytestmark = pytest.mark.usefixtures("app")


def register(client, unit, **changes):
    form = {
        "csrf_token": csrf_token(client, "/suggestions/new"),
        "kind": "procuratorate",
        "number": "富检行建〔2026〕9号",
        "issuer": "富阳区人民检察院",
        "received_on": (TODAY - timedelta(days=10)).isoformat(),
        "reply_due_on": "",
        "unit_ids": [str(unit.id)],
        "content": "建议规范送达程序",
        **changes,
    }
    return client.post("/suggestions/new", data=form)


def act(client, suggestion, action, **fields):
    db.session.refresh(suggestion)
    url = f"/suggestions/{suggestion.id}"
    data = {"csrf_token": csrf_token(client, url), "action": action, "version": suggestion.version, **fields}
    return client.post(f"{url}/act", data=data, follow_redirects=True)


def test_the_whole_life_of_a_procuratorial_suggestion_from_received_to_rectified(login_as, factories):
    legal = login_as("legal")
    liaison = login_as("unit")
    unit = liaison.user.unit
    response = register(legal.client, unit)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    suggestion = db.session.scalar(select(Suggestion))
    # Two months from the day received (检察建议工作规定 Art. 18).
    received = TODAY - timedelta(days=10)
    assert suggestion.state == "received" and suggestion.reply_due_on > received + timedelta(days=58)

    page = act(liaison.client, suggestion, "start", text="成立整改专班").get_data(as_text=True)
    assert "开始答复" in page or "Reply started" in page
    db.session.refresh(suggestion)
    assert suggestion.state == "replying" and suggestion.measures == "成立整改专班"

    # A reply needs its date; one in the future is refused and changes nothing.
    act(liaison.client, suggestion, "reply", on=(TODAY + timedelta(days=1)).isoformat(), text="成立整改专班")
    db.session.refresh(suggestion)
    assert suggestion.state == "replying" and suggestion.replied_on is None

    act(liaison.client, suggestion, "reply", on=TODAY.isoformat(), text="成立整改专班，逐项整改")
    db.session.refresh(suggestion)
    assert (suggestion.state, suggestion.replied_on) == ("replied", TODAY)

    # The unit cannot accept its own rectification.
    act(liaison.client, suggestion, "report_rectified", on=TODAY.isoformat(), text="整改报告见卷宗")
    db.session.refresh(suggestion)
    assert suggestion.state == "rectification_reported"
    refused = act(liaison.client, suggestion, "accept").get_data(as_text=True)
    assert "无权" in refused or "cannot" in refused
    db.session.refresh(suggestion)
    assert suggestion.state == "rectification_reported"

    # Sent back needs a reason; then reported again and accepted.
    act(legal.client, suggestion, "send_back")
    db.session.refresh(suggestion)
    assert suggestion.state == "rectification_reported"
    act(legal.client, suggestion, "send_back", comment="证据不足")
    db.session.refresh(suggestion)
    assert suggestion.state == "replied"
    act(liaison.client, suggestion, "report_rectified", on=TODAY.isoformat(), text="补充现场照片")
    act(legal.client, suggestion, "accept")
    db.session.refresh(suggestion)
    assert (suggestion.state, suggestion.accepted_on) == ("rectified", TODAY)
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "suggestion").order_by(AuditEntry.id)
    ).all()
    assert list(dict.fromkeys(actions)) == ["created", "start", "reply", "report_rectified", "send_back", "accept"]


def test_a_stale_page_cannot_move_a_suggestion(login_as):
    legal = login_as("legal")
    unit = login_as("unit").user.unit
    register(legal.client, unit)
    suggestion = db.session.scalar(select(Suggestion))
    url = f"/suggestions/{suggestion.id}"
    data = {"csrf_token": csrf_token(legal.client, url), "action": "close", "comment": "撤回", "version": 0}
    legal.client.post(f"{url}/act", data=data)
    db.session.refresh(suggestion)
    assert suggestion.state == "received"


def test_another_units_suggestion_is_a_404_and_its_list_shows_only_its_own(login_as, factories):
    legal = login_as("legal")
    mine, theirs = login_as("unit"), login_as("unit")
    register(legal.client, theirs.user.unit, number="富检行建〔2026〕1号")
    register(legal.client, mine.user.unit, number="富检行建〔2026〕2号")
    other = db.session.scalar(select(Suggestion).where(Suggestion.number == "富检行建〔2026〕1号"))
    assert mine.client.get(f"/suggestions/{other.id}").status_code == 404
    posted = mine.client.post(
        f"/suggestions/{other.id}/act",
        data={"csrf_token": csrf_token(mine.client, "/suggestions/"), "action": "start", "version": other.version},
    )
    assert posted.status_code == 404
    listing = mine.client.get("/suggestions/").get_data(as_text=True)
    assert "富检行建〔2026〕2号" in listing and "富检行建〔2026〕1号" not in listing
    # A unit registers only for itself.
    before = db.session.scalar(select(func.count(Suggestion.id)))
    response = register(mine.client, theirs.user.unit, number="富检行建〔2026〕3号")
    assert response.status_code in (400, 403)
    assert db.session.scalar(select(func.count(Suggestion.id))) == before


def test_bad_registrations_are_refused_in_chinese_and_store_nothing(login_as):
    legal = login_as("legal")
    unit = login_as("unit").user.unit
    register(legal.client, unit)
    for changes, words in (
        ({"number": "富检行建〔2026〕9号"}, "已登记"),
        ({"number": "新号", "received_on": (TODAY + timedelta(days=3)).isoformat()}, "日期晚于今天"),
        ({"number": "新号2", "reply_due_on": (TODAY - timedelta(days=30)).isoformat()}, "回复期限"),
        ({"number": "新号3", "unit_ids": []}, "接收单位"),
    ):
        response = register(legal.client, unit, **changes)
        assert response.status_code == 400, changes
        assert words in response.get_data(as_text=True), (changes, words)
    assert db.session.scalar(select(func.count(Suggestion.id))) == 1


def test_a_reply_due_within_a_week_or_overdue_reminds_the_units_liaisons_and_the_legal_bureau_once(login_as):
    legal = login_as("legal")
    liaison = login_as("unit")
    register(
        legal.client,
        liaison.user.unit,
        received_on=(TODAY - timedelta(days=30)).isoformat(),
        reply_due_on=(TODAY + timedelta(days=5)).isoformat(),
    )
    register(
        legal.client,
        liaison.user.unit,
        number="富检行建〔2026〕10号",
        received_on=(TODAY - timedelta(days=100)).isoformat(),
    )
    notify_due(TODAY)
    notify_due(TODAY)
    db.session.commit()
    rows = db.session.execute(select(Notification.user_id, Notification.kind, Notification.params)).all()
    mine = [row for row in rows if row.kind == "suggestion_reply"]
    assert {row.user_id for row in mine} == {legal.user.id, liaison.user.id}
    assert len(mine) == 4  # two suggestions, two people, once each however often the job runs
    listing = liaison.client.get("/notifications/").get_data(as_text=True)
    assert "富检行建〔2026〕10号" in listing


def test_a_reply_overdue_by_more_than_15_days_proposes_the_unit_for_an_interview(login_as):
    legal = login_as("legal")
    unit = login_as("unit").user.unit
    register(
        legal.client,
        unit,
        received_on=(TODAY - timedelta(days=70)).isoformat(),
        reply_due_on=(TODAY - timedelta(days=10)).isoformat(),
    )
    assert [p.unit.id for p in proposals(TODAY)] == []
    suggestion = db.session.scalar(select(Suggestion))
    suggestion.reply_due_on = TODAY - timedelta(days=16)
    db.session.commit()
    found = proposals(TODAY)
    assert [(p.unit.id, p.overdue_replies) for p in found] == [(unit.id, 1)]
    assert found[0].since == TODAY
    page = legal.client.get("/interviews/").get_data(as_text=True)
    assert unit.name in page


def test_the_figures_count_suggestions_by_the_day_received_and_the_api_says_so(login_as):
    legal = login_as("legal")
    unit = login_as("unit").user.unit
    year = TODAY.year
    register(legal.client, unit, received_on=date(year, 1, 5).isoformat())
    suggestion = db.session.scalar(select(Suggestion))
    suggestion.replied_on, suggestion.state = suggestion.reply_due_on + timedelta(days=1), "rectified"
    register(legal.client, unit, number="富检行建〔2026〕11号", received_on=date(year, 1, 6).isoformat())
    db.session.commit()
    figures = legal.client.get(f"/api/v1/figures?year={year}").get_json()
    assert figures["suggestions"] == {"received": 2, "replied": 1, "replied_on_time": 0, "rectified": 1}
    by_unit = legal.client.get(f"/api/v1/figures?year={year}&unit={unit.name}").get_json()
    assert by_unit["suggestions"]["received"] == 2
