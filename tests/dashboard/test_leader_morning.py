"""A district leader's landing page: their decisions, the month's hearings needing a head, the risk queue and the
"两高一低" units, the units they oversee (分管) first with the district beside them (issue 17, items 1 and 2)."""

import re
from datetime import timedelta

import pytest

from casetrack.accounts import services as accounts
from casetrack.accounts.permissions import SYSTEM
from casetrack.audit.models import AuditEntry
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from casetrack.interviews import services as interviews
from casetrack.risk.models import ActionItem, RiskCase

pytestmark = pytest.mark.usefixtures("app")


def card(html: str, part: str) -> str:
    found = re.search(rf'<div class="card" id="agenda-{part}">(.*?)\n  </div>', html, re.S)
    return " ".join(found.group(1).split()) if found else ""


def overseen_rows(html: str) -> list[list[str]]:
    """Each row of the 分管 table as its cells' texts, the first word of each (a cell's change is under its value)."""
    table = re.search(r'<table class="grid" id="table-overseen">(.*?)</table>', html, re.S)
    if not table:
        return []
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split()).split(" ")[0]
            for cell in re.findall(r"<t[hd].*?</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr.*?</tr>", table.group(1), re.S)
    ]


@pytest.fixture
def district(factories):
    today = local_today()
    legal = factories.user(role="legal", username="fazhi")
    land, works, police = (factories.unit(name=name) for name in ("区自然资源和规划分局", "区住建局", "区公安分局"))

    def lost_case(unit, n):
        return factories.case(
            kind="litigation",
            number=f"（{today.year}）浙0111行初{n}号",
            respondent_unit=unit,
            received_on=today - timedelta(days=100),
            accepted_on=today - timedelta(days=98),
            concluded_on=today - timedelta(days=20 + n),
            outcome="revoked",
        )

    lost_case(land, 1)
    lost_case(police, 2)
    lost_case(police, 3)
    open_works = factories.case(kind="litigation", respondent_unit=works, received_on=today - timedelta(days=30))
    open_police = factories.case(kind="litigation", respondent_unit=police, received_on=today - timedelta(days=30))
    db.session.add_all(
        [
            Hearing(case_id=open_works.id, held_on=today + timedelta(days=25), court="富阳区人民法院"),
            Hearing(case_id=open_police.id, held_on=today + timedelta(days=2), court="富阳区人民法院"),
            Hearing(case_id=open_police.id, held_on=today + timedelta(days=9), court="富阳区人民法院"),
            # Named: nothing to do.
            Hearing(
                case_id=open_police.id, held_on=today + timedelta(days=4), principal_name="李军", principal_title="main"
            ),
            # Beyond the month.
            Hearing(case_id=open_works.id, held_on=today + timedelta(days=45), court="富阳区人民法院"),
        ]
    )
    in_task_force = RiskCase(case_id=open_works.id, state="task_force", entered_on=today - timedelta(days=10))
    waiting = RiskCase(case_id=open_police.id, state="pending_review", entered_on=today - timedelta(days=3))
    db.session.add_all([in_task_force, waiting])
    db.session.flush()
    db.session.add_all(
        [
            ActionItem(
                risk_case_id=in_task_force.id,
                text="补充证据",
                side="legal",
                owner_id=legal.id,
                due_on=today - timedelta(days=2),
            ),
            ActionItem(
                risk_case_id=in_task_force.id,
                text="约谈申请人",
                side="legal",
                owner_id=legal.id,
                due_on=today + timedelta(days=5),
            ),
        ]
    )
    deputy = factories.user(role="leader", username="fuquzhang", display_name="副区长 陈立")
    accounts.set_overseen_units(deputy, [works, land], SYSTEM)
    db.session.commit()
    return {"today": today, "deputy": deputy, "land": land, "works": works, "police": police}


def test_a_deputy_sees_their_units_first_in_each_card_with_the_district_beside_them(district, login_as):
    land, works, police = district["land"], district["works"], district["police"]
    html = login_as(district["deputy"]).get("/dashboard").get_data(as_text=True)

    decide = card(html, "proposals")
    assert "待您决定 (2)" in decide
    # Their own 区自然资源和规划分局 comes before 区公安分局, which lost more.
    assert decide.index("区自然资源和规划分局") < decide.index("区公安分局")
    assert decide.count("分管") == 1

    hearings = card(html, "hearings")
    assert "近期出庭 (3)" in hearings  # not the named one, not the one in 45 days
    assert hearings.index("区住建局") < hearings.index("区公安分局")
    assert f"unit_id={works.id}" in hearings and "1场，最早" in hearings and "2场，最早" in hearings

    risk = card(html, "risk")
    assert "高风险案件 (2)" in risk and "全区：专班办理1件，逾期措施1项" in risk
    assert risk.index("区住建局") < risk.index("区公安分局")
    assert f'href="/risk/?unit_id={works.id}&amp;overdue=1"' in risk and "逾期措施1项" in risk

    rows = overseen_rows(html)
    # A header, their two units by name, and the district last.
    assert [row[0] for row in rows] == ["单位", "区住建局", "区自然资源和规划分局", "全区"]
    assert rows[0][1:] == ["新收复议案件", "复议纠错率", "新收一审诉讼案件", "诉讼败诉率", "出庭率", "调解成功率"]
    # Litigation: one new, one lost of one concluded; no review case, so no correction rate.
    assert rows[2][1:5] == ["0", "暂无数据", "1", "100.00%"]
    assert rows[3][3:5] == ["5", "100.00%"]  # the district: all five, three lost of three
    assert f'href="/dashboard?year={district["today"].year}&amp;unit={land.id}"' in html
    assert police.name not in [row[0] for row in rows]


def test_an_agreed_proposal_leaves_the_deputys_decisions_and_says_it_waits_for_the_legal_bureau(district, login_as):
    today = district["today"]
    proposal = next(p for p in interviews.proposals(today) if p.unit.id == district["land"].id)
    interviews.decide(district["deputy"], proposal.unit.id, proposal.since, "agreed", "", today)
    db.session.commit()
    decide = card(login_as(district["deputy"]).get("/dashboard").get_data(as_text=True), "proposals")
    assert "待您决定 (1)" in decide and "区自然资源和规划分局" not in decide
    assert "1个已同意，等待司法局组织约谈" in decide


def test_a_leader_with_no_units_sees_the_district_as_before(district, login_as):
    html = login_as("leader").get("/dashboard").get_data(as_text=True)
    assert overseen_rows(html) == [] and "分管" not in card(html, "hearings")
    hearings = card(html, "hearings")
    # Heaviest first when nobody's units come first.
    assert hearings.index("区公安分局") < hearings.index("区住建局")


def test_users_units_sets_and_clears_a_leaders_units_and_refuses_what_is_not_there(app, district, factories):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "units", "fuquzhang", "区公安分局", "区住建局"])
    assert result.exit_code == 0, result.output
    assert "fuquzhang oversees 区住建局, 区公安分局" in result.output
    db.session.expire_all()
    assert [unit.name for unit in accounts.find_user("fuquzhang").overseen] == ["区住建局", "区公安分局"]

    refused = runner.invoke(args=["users", "units", "fuquzhang", "区公安分局", "不存在的局"])
    assert refused.exit_code != 0 and "no unit named '不存在的局'" in refused.output
    db.session.expire_all()
    assert len(accounts.find_user("fuquzhang").overseen) == 2  # unchanged

    factories.user(role="mediator", username="tiaojie")
    db.session.commit()
    not_a_leader = runner.invoke(args=["users", "units", "tiaojie", "区公安分局"])
    assert not_a_leader.exit_code != 0 and "只有区领导可以分管单位" in not_a_leader.output

    cleared = runner.invoke(args=["users", "units", "fuquzhang"])
    assert cleared.exit_code == 0 and "oversees no unit" in cleared.output
    db.session.expire_all()
    assert accounts.find_user("fuquzhang").overseen == []


def test_the_admin_sets_a_leaders_units_on_the_user_page_and_the_change_is_in_its_history(district, login_as):
    admin = login_as("admin")
    deputy, police = district["deputy"], district["police"]
    page = admin.get(f"/admin/users/{deputy.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{district["works"].id}">区住建局</option>', page) or re.search(
        rf'<option value="{district["works"].id}" selected>区住建局</option>', page
    )
    response = admin.post(
        f"/admin/users/{deputy.id}",
        data={
            "username": deputy.username,
            "display_name": deputy.display_name,
            "role": "leader",
            "unit_id": "0",
            "email": deputy.email,
            "overseen_unit_ids": [str(police.id)],
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [unit.name for unit in accounts.find_user("fuquzhang").overseen] == ["区公安分局"]
    entry = (
        db.session.query(AuditEntry)
        .filter_by(entity_type="user", field="overseen_units", action="updated")
        .order_by(AuditEntry.id.desc())
        .first()
    )
    assert entry.before == "区住建局, 区自然资源和规划分局" and entry.after == "区公安分局"
    assert "分管单位" in admin.get(f"/admin/users/{deputy.id}").get_data(as_text=True)
    assert "分管：区公安分局" in admin.get("/admin/users").get_data(as_text=True)

    # No longer a leader: no longer overseeing.
    admin.post(
        f"/admin/users/{deputy.id}",
        data={"username": deputy.username, "role": "legal", "unit_id": "0", "overseen_unit_ids": [str(police.id)]},
    )
    db.session.expire_all()
    assert accounts.find_user("fuquzhang").overseen == []
