"""The years a year menu offers (stats.queries.years_with_data): the first year anything is dated in, up to the
running year — read from the date indexes, never by going through every row."""

from datetime import date

import pytest
from sqlalchemy import text

from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats.queries import years_with_data
from tests.factories import held_hearing, mediation

pytestmark = pytest.mark.usefixtures("app")


def test_an_empty_database_offers_the_running_year_alone():
    assert years_with_data() == [local_today().year]


@pytest.mark.parametrize("earliest", ["case", "hearing", "mediation"])
def test_the_first_year_anything_is_dated_in_begins_the_menu_and_the_running_year_ends_it(factories, earliest):
    this_year = local_today().year
    first = {"case": this_year - 2, "hearing": this_year - 2, "mediation": this_year - 2, earliest: this_year - 5}
    unit = factories.unit()
    case = factories.case(
        kind="litigation",
        respondent_unit=unit,
        received_on=date(first["case"], 3, 1),
        accepted_on=date(first["case"], 3, 2),
        concluded_on=date(this_year - 1, 6, 1),
        outcome="upheld",
    )
    # Each table is asked on its own: whichever date is earliest begins the menu.
    held_hearing(case, date(first["hearing"], 6, 1), True)
    mediation(unit, "调1号", "open", received_on=date(first["mediation"], 2, 1))
    db.session.flush()
    assert years_with_data() == list(range(this_year, this_year - 6, -1))


def test_a_hearing_set_for_next_year_offers_no_year_without_figures(factories):
    this_year = local_today().year
    case = factories.case(kind="litigation", received_on=date(this_year, 1, 2), accepted_on=date(this_year, 1, 3))
    held_hearing(case, date(this_year + 1, 1, 15), False)
    db.session.flush()
    assert years_with_data() == [this_year]


def test_the_first_years_are_read_from_the_date_indexes_not_from_every_row(app):
    statement = []
    original = db.session.execute

    def keep(stmt, *args, **kwargs):
        statement.append(stmt)
        return original(stmt, *args, **kwargs)

    db.session.execute = keep
    try:
        years_with_data()
    finally:
        db.session.execute = original
    assert len(statement) == 1
    sql = str(statement[0].compile(db.engine))
    if db.engine.dialect.name == "sqlite":
        plan = " | ".join(row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        # SQLite's min() optimisation: the first entry of an index, a SEARCH, for each of the four tables.
        assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan
        assert plan.count("INDEX") == 3, plan
    else:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {sql}")))
        assert "Seq Scan" not in plan and plan.count("Index Only Scan") == 3, plan
