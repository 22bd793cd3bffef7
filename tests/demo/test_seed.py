"""The demo reproduces the seed report's 2019–2020 figures through the real definitions, goes on at that scale up
to the day it is loaded, and leaves every role its work for that morning."""

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.cases.models import Case, OutcomeReport
from casetrack.clock import local_today
from casetrack.dashboard import panels
from casetrack.dashboard.queries import gather
from casetrack.demo.plan import district_plan
from casetrack.demo.services import seed
from casetrack.extensions import db
from casetrack.hearings import queries as hearing_queries
from casetrack.interviews.services import proposals
from casetrack.notifications.models import Notification
from casetrack.reports.models import StoredReport
from casetrack.risk.models import ActionItem, RiskCase
from casetrack.stats.queries import Period, appearance_counts, case_counts, figures, mediation_counts
from casetrack.stats.rules import rate_pct
from tests.conftest import SHARED

#: 09:30 on a Wednesday in Fuyang.
MORNING = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)

EXAMPLE_PATH = SHARED / "data" / "fuyang-2020.json"


@pytest.fixture
def example():
    if not EXAMPLE_PATH.exists():
        pytest.skip("shared/data/fuyang-2020.json is not beside the project")
    return json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))


def seeded(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_demo_reproduces_the_2020_review_and_litigation_figures_and_every_role_can_log_in(app, example):
    output = seeded(app)
    now, before = case_counts(Period.year(2020)), case_counts(Period.year(2019))
    review, litigation = example["review"], example["litigation"]
    assert (now["review_new"], before["review_new"]) == (review["new"], review["new_prev"])
    assert (now["review_concluded"], now["review_corrected"]) == (review["concluded"], review["corrected"])
    assert round(100 * now["review_corrected"] / now["review_concluded"], 2) == review["correction_rate_pct"]
    assert (now["litigation_new"], before["litigation_new"]) == (litigation["new"], litigation["new_prev"])
    assert (now["litigation_concluded"], now["litigation_lost"]) == (litigation["concluded"], litigation["lost"])
    assert (
        round(100 * before["litigation_lost"] / before["litigation_concluded"], 2) == litigation["loss_rate_prev_pct"]
    )
    appearance, mediation = appearance_counts(Period.year(2020)), mediation_counts(Period.year(2020))
    expected = example["appearance"]
    assert (appearance["appearance_required"], appearance["appearance_appeared"]) == (
        expected["required"],
        expected["appeared"],
    )
    assert rate_pct(appearance["appearance_appeared"], appearance["appearance_required"]) == expected["rate_pct"]
    expected = example["mediation"]
    assert (mediation["mediation_concluded"], mediation["mediation_succeeded"]) == (
        expected["concluded"],
        expected["succeeded"],
    )
    assert rate_pct(mediation["mediation_succeeded"], mediation["mediation_concluded"]) == expected["success_rate_pct"]

    password = re.search(r"password for all: (\S+)\)", output).group(1)
    roles = {user.role for user in db.session.scalars(select(User))}
    assert roles == {"mediator", "legal", "unit", "leader", "admin", "security", "auditor"}
    from tests.conftest import Auth

    for username in ("tiaojie", "sifaju", "fuchun", "lingdao", "admin"):
        auth = Auth(app.test_client())
        assert auth.login(username, password).status_code == 302, username
    assert_no_readable_id_number(app)


def test_seed_demo_twice_adds_nothing_and_renews_the_password(app):
    first = seeded(app)
    cases = db.session.scalar(select(func.count(Case.id)))
    second = seeded(app)
    assert db.session.scalar(select(func.count(Case.id))) == cases
    assert re.search(r"password for all: (\S+)\)", first).group(1) != re.search(
        r"password for all: (\S+)\)", second
    ).group(1)


def seeded_on(frozen_clock, instant: datetime) -> date:
    frozen_clock(instant)
    seed(local_today())
    db.session.commit()
    return local_today()


def test_the_report_years_equal_the_worked_example_and_the_years_since_go_on_at_its_scale(app, example, frozen_clock):
    today = seeded_on(frozen_clock, MORNING)
    shown = figures(Period.year(2020), Period.year(2019))
    for section in ("review", "litigation", "appearance", "mediation"):
        for key, value in example[section].items():
            assert shown[section][key] == value, (section, key)

    for year in range(2021, today.year):
        f = figures(Period.year(year), Period.year(year - 1))
        review, litigation, appearance, mediation = (f[s] for s in ("review", "litigation", "appearance", "mediation"))
        assert 70 <= review["new"] <= 130 and 70 <= review["concluded"] <= 130, (year, review)
        assert 80 <= litigation["new"] <= 140 and 80 <= litigation["concluded"] <= 140, (year, litigation)
        assert 0 < review["correction_rate_pct"] <= 20 and 0 < litigation["loss_rate_pct"] <= 20, year
        assert appearance["required"] >= 60 and appearance["rate_pct"] >= 85, (year, appearance)
        assert 25 <= mediation["concluded"] <= 55 and mediation["success_rate_pct"] >= 75, (year, mediation)
        assert f["compensation"]["new"] >= 1, year

    # The dashboard opens on the running year: every card has its figure and, where it has one, its comparison.
    for card in panels.cards(gather(today.year, None, today)):
        assert card["value"] is not None, card["id"]
        assert card["change_kind"] is None or card["change"] is not None, card["id"]


def assert_morning_work(today: date) -> None:
    """What each role finds on the demo's first morning (casetrack.demo.plan's stories, and the jobs' results)."""
    people = {user.username: user for user in db.session.scalars(select(User))}
    # The legal bureau: a case awaiting its review, a task force with an action item past its due date, a unit's
    # reported outcome to confirm, an absence to approve.
    assert db.session.scalar(select(func.count()).where(RiskCase.state == "pending_review")) >= 1
    overdue = db.session.scalars(
        select(ActionItem).join(RiskCase).where(RiskCase.state == "task_force", ActionItem.done_on.is_(None))
    ).all()
    assert any(item.due_on < today and item.overdue_since == today for item in overdue)
    assert db.session.scalar(select(func.count()).where(OutcomeReport.status == "pending")) >= 1
    assert hearing_queries.absences_awaiting_approval(people["sifaju"])
    # The leader: interview proposals, hearings of the coming two weeks without a named head, last year's report.
    assert proposals(today)
    waiting, total = hearing_queries.awaiting_head(people["lingdao"], today, today + timedelta(days=14), 10)
    assert total >= 3 and any(h.held_on <= today + timedelta(days=7) for h in waiting)
    built = db.session.scalars(select(StoredReport.format).where(StoredReport.year == today.year - 1)).all()
    assert sorted(built) == ["docx", "json", "md"]
    # Today's reminders: the mediation center's overdue and due deadlines and idle mediation, the units' hearings
    # to name a head for, defences due, the overdue task-force measure.
    kinds = {
        name: {
            n.kind
            for n in db.session.scalars(
                select(Notification).where(
                    Notification.user_id == people[name].id,
                    Notification.on_day == today,
                    Notification.read_at.is_(None),
                )
            )
        }
        for name in ("tiaojie", "sifaju", "fuchun", "shijianju")
    }
    # … and the review suspended ten weeks ago, to resume once its mediation ends.
    assert {"case_deadline", "mediation_idle", "hearing_principal", "case_suspended"} <= kinds["tiaojie"]
    # … a 听证 in four days: its handler is to send the notice, the unit to settle who attends.
    assert {"case_deadline", "hearing_principal", "review_hearing_notice"} <= kinds["sifaju"]
    assert {"hearing_principal", "case_deadline", "risk_item_overdue", "review_hearing_attendance"} <= kinds["fuchun"]
    assert {"hearing_principal", "case_deadline"} <= kinds["shijianju"]
    assert (
        db.session.scalar(
            select(func.count()).where(
                Case.is_open, Case.handler_id == people["tiaojie"].id, Case.next_deadline_on < today
            )
        )
        >= 1
    )
    # What came before today was read then.
    assert not db.session.scalar(
        select(func.count()).where(Notification.on_day < today, Notification.read_at.is_(None))
    )


def test_every_role_finds_its_work_on_the_first_morning(app, frozen_clock):
    today = seeded_on(frozen_clock, MORNING)
    assert_morning_work(today)
    plan = district_plan(today)
    assert db.session.scalar(select(func.count(Case.id))) == len(plan.cases)
    assert (
        db.session.scalar(select(RiskCase.state).join(Case).where(Case.number == plan.story("awaiting_review").number))
        == "pending_review"
    )


def test_a_demo_loaded_in_the_first_days_of_a_year_still_has_the_report_years_and_the_morning_work(app, frozen_clock):
    today = seeded_on(frozen_clock, datetime(2027, 1, 4, 0, 30, tzinfo=UTC))
    assert case_counts(Period.year(2020))["review_new"] == 94
    assert mediation_counts(Period.year(2020))["mediation_succeeded"] == 36
    assert_morning_work(today)


def assert_no_readable_id_number(app) -> None:
    """Issue 18 item 5: neither the database file nor a dump gives away a demo ID number (what a copied file or a
    backup would hand out)."""
    import subprocess

    from casetrack.cases.models import Applicant

    numbers = {a.id_number for a in db.session.scalars(select(Applicant)) if a.id_number}
    assert len(numbers) > 50
    db.session.commit()
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        db.engine.dispose()
        stored = open(url.database, "rb").read()
    else:
        dump = subprocess.run(
            ["pg_dump", "-h", url.host, "-U", url.username, "-d", url.database, "--data-only"],
            capture_output=True,
            check=True,
        )
        stored = dump.stdout
    assert stored and not [number for number in numbers if number.encode() in stored]
    assert b"ct1:k0:aes-gcm:" in stored
