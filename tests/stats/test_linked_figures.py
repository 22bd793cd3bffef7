"""The two figures of linked cases (SPEC section 3): reviews followed by a lawsuit (复议后起诉率) and first-instance
losses reversed on appeal. Every instance stays its own case, so the section 3 figures do not move."""

from datetime import date

import pytest

from casetrack.extensions import db
from casetrack.stats.queries import Period, district_and_unit_figures, figures, monthly_figures

pytestmark = pytest.mark.usefixtures("app")
YEAR, BEFORE = Period.year(2020), Period.year(2019)


def concluded(factories, unit, number, kind, outcome, on, **kw):
    return factories.case(
        kind=kind,
        number=number,
        respondent_unit=unit,
        received_on=date(2020, 1, 6),
        accepted_on=date(2020, 1, 7),
        concluded_on=on,
        outcome=outcome,
        **kw,
    )


def test_a_review_a_lawsuit_follows_counts_as_sued_after_over_the_reviews_concluded(factories):
    unit = factories.unit()
    sued = concluded(factories, unit, "R1", "review", "upheld", date(2020, 3, 2))
    concluded(factories, unit, "R2", "review", "upheld", date(2020, 4, 2))
    concluded(factories, unit, "R3", "review", "revoked", date(2020, 5, 2))
    factories.case(
        kind="litigation",
        number="L1",
        respondent_unit=unit,
        received_on=date(2020, 6, 1),
        related_case_id=sued.id,
        related_relation="after_review",
    )
    db.session.flush()
    shaped = figures(YEAR, BEFORE)
    linked = shaped["linked_cases"]
    assert (linked["sued_after"], linked["reviews_concluded"], linked["sued_after_rate_pct"]) == (1, 3, 33.33)
    # The lawsuit is a new first instance like any other; the review section keeps its shape and its figures.
    assert shaped["litigation"]["new"] == 1 and shaped["review"]["corrected"] == 1
    assert "sued_after" not in shaped["review"] and linked["reviews_concluded"] == shaped["review"]["concluded"]
    assert monthly_figures(2020)[2]["linked_cases"]["sued_after"] == 1
    _, by_unit = district_and_unit_figures(YEAR, BEFORE)
    assert by_unit[unit.id]["linked_cases"]["sued_after"] == 1


def test_no_concluded_review_gives_no_figure_not_zero(factories):
    assert figures(YEAR, BEFORE)["linked_cases"]["sued_after_rate_pct"] is None
    assert figures(YEAR, BEFORE)["linked_cases"]["reversal_rate_pct"] is None


def test_a_lost_first_instance_whose_second_instance_ends_without_a_loss_is_reversed(factories):
    unit = factories.unit()
    reversed_one = concluded(factories, unit, "L1", "litigation", "revoked", date(2019, 11, 4))
    upheld_one = concluded(factories, unit, "L2", "litigation", "varied", date(2019, 12, 2))
    won = concluded(factories, unit, "L3", "litigation", "claim_rejected", date(2019, 12, 9))
    for number, first, outcome in (
        ("S1", reversed_one, "claim_rejected"),
        ("S2", upheld_one, "varied"),
        ("S3", won, "claim_rejected"),
    ):
        concluded(
            factories,
            unit,
            number,
            "litigation",
            outcome,
            date(2020, 5, 6),
            instance="second",
            related_case_id=first.id,
            related_relation="appeal",
        )
    # An appeal still open is not decided: it counts in neither.
    factories.case(
        kind="litigation",
        number="S4",
        instance="second",
        respondent_unit=unit,
        received_on=date(2020, 2, 1),
        related_case_id=upheld_one.id,
        related_relation="appeal",
    )
    db.session.flush()
    shaped = figures(YEAR, BEFORE)
    linked = shaped["linked_cases"]
    assert (linked["reversed_on_appeal"], linked["appeals_concluded"], linked["reversal_rate_pct"]) == (1, 2, 50.0)
    # Second instances are their own cases and stay out of the first-instance figures.
    assert (shaped["litigation"]["concluded"], shaped["litigation"]["lost"]) == (0, 0)
