"""The demo must reproduce the seed report's 2020 figures through the real definitions."""

import json
import re

import pytest
from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.stats.queries import Period, appearance_counts, case_counts, mediation_counts
from casetrack.stats.rules import rate_pct
from tests.conftest import SHARED

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
    assert roles == {"mediator", "legal", "unit", "leader", "admin"}
    from tests.conftest import Auth

    for username in ("tiaojie", "sifaju", "fuchun", "lingdao", "admin"):
        auth = Auth(app.test_client())
        assert auth.login(username, password).status_code == 302, username


def test_seed_demo_twice_adds_nothing_and_renews_the_password(app):
    first = seeded(app)
    cases = db.session.scalar(select(func.count(Case.id)))
    second = seeded(app)
    assert db.session.scalar(select(func.count(Case.id))) == cases
    assert re.search(r"password for all: (\S+)\)", first).group(1) != re.search(
        r"password for all: (\S+)\)", second
    ).group(1)
