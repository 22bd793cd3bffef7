"""SPEC section 4: the demo district is never loaded into a production database — its users and their shared password
would open the real one."""

from sqlalchemy import func, select

from casetrack.accounts.models import User
from casetrack.cases.models import Case
from casetrack.extensions import db


def test_seed_demo_refuses_to_run_in_production_and_writes_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "CASETRACK_ENV", "production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run in production" in result.output
    assert "password" not in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Case.id))) == 0
