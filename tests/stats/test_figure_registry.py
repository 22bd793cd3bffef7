"""The figure registry is the one list of figures: the SQL answers every count it declares, and the annual JSON,
the API schema, the dashboard and the report show what it declares and nothing else."""

from casetrack.stats import figures as registry
from casetrack.stats.queries import (
    Period,
    appearance_counts,
    case_counts,
    figures,
    mediation_counts,
    reason_counts,
    rectification_counts,
    review_hearing_counts,
    suggestion_counts,
)


def test_the_sql_answers_every_count_the_registry_declares_and_no_other(app):
    period = Period.year(2020)
    answered = {
        **case_counts(period),
        **appearance_counts(period),
        **review_hearing_counts(period),
        **mediation_counts(period),
        **reason_counts(period),
        **suggestion_counts(period),
        **rectification_counts(period),
    }
    assert set(answered) == {figure.sql_label for figure in registry.counted()}


def test_the_figures_json_holds_exactly_the_registrys_keys(app):
    shaped = figures(Period.year(2020), Period.year(2019))
    assert list(shaped) == [section.code for section in registry.SECTIONS]
    for section in registry.SECTIONS:
        declared = set()
        for figure in registry.of_section(section.code):
            declared |= {figure.value_key, figure.previous_key, figure.change_key} - {None}
        assert set(shaped[section.code]) == declared, section.code


def test_every_rate_divides_counts_of_its_own_section_and_every_card_is_named(app):
    for figure in registry.FIGURES:
        if figure.kind == registry.RATE:
            fields = {f.field for f in registry.of_section(figure.section) if f.kind == registry.COUNT}
            assert {figure.numerator, figure.denominator} <= fields, figure.key
    cards = [figure.card for figure in registry.cards()]
    assert len(cards) == len(set(cards))


def test_the_dashboard_shows_a_card_for_each_declared_card(login_as, factories):
    from datetime import date

    factories.case(received_on=date(2020, 3, 2))
    html = login_as("leader").get("/dashboard?year=2020").get_data(as_text=True)
    for figure in registry.cards():
        assert f'id="card-{figure.card}"' in html
