"""SPEC section 3 as updated by issue 12 item 6: a case with several respondent units (co-defendants) counts once
in the district figures and once for each of its respondent units, so units may add up to more than the district;
the report says so in a note. A co-defendant's appearance is its own head's."""

import io
from datetime import date

from docx import Document

from casetrack.cases.models import CaseRespondent
from casetrack.extensions import db
from casetrack.hearings.models import HearingAppearance
from casetrack.reports.documents import docx_bytes
from casetrack.reports.rules import CO_RESPONDENT_NOTE, render_markdown
from casetrack.reports.services import annual_report
from casetrack.stats.queries import Period, district_and_unit_figures, figures, monthly_figures
from tests.factories import held_hearing

YEAR = Period.year(2020)
BEFORE = Period.year(2019)


def world(factories):
    bureau, district = factories.unit(name="区市场监管局"), factories.unit(name="区政府", kind="district")
    lawsuit = factories.case(
        kind="litigation",
        respondent_unit=bureau,
        received_on=date(2020, 3, 2),
        accepted_on=date(2020, 3, 4),
        concluded_on=date(2020, 9, 1),
        outcome="revoked",
    )
    db.session.add(CaseRespondent(case=lawsuit, unit_id=district.id, role="review_body"))
    factories.case(kind="review", respondent_unit=bureau, received_on=date(2020, 5, 6))
    held_hearing(lawsuit, date(2020, 6, 1), appeared=True)
    db.session.flush()
    return bureau, district, lawsuit


def test_a_case_with_two_respondents_counts_once_for_the_district_and_once_for_each_unit(factories):
    bureau, district, _ = world(factories)
    whole = figures(YEAR, BEFORE)
    assert (whole["litigation"]["new"], whole["litigation"]["lost"], whole["review"]["new"]) == (1, 1, 1)
    of_bureau, of_district = figures(YEAR, BEFORE, bureau.id), figures(YEAR, BEFORE, district.id)
    assert (of_bureau["litigation"]["new"], of_bureau["litigation"]["lost"], of_bureau["review"]["new"]) == (1, 1, 1)
    assert (of_district["litigation"]["new"], of_district["litigation"]["lost"], of_district["review"]["new"]) == (
        1,
        1,
        0,
    )
    both, per_unit = district_and_unit_figures(YEAR, BEFORE)
    assert both["litigation"] == whole["litigation"] and both["review"] == whole["review"]
    assert per_unit[district.id]["litigation"] == of_district["litigation"]
    assert per_unit[bureau.id]["litigation"] == of_bureau["litigation"]
    march = monthly_figures(2020, district.id)[2]
    assert march["month"] == 3 and march["litigation"]["new"] == 1


def test_a_co_defendants_appearance_is_its_own_heads(factories):
    bureau, district, lawsuit = world(factories)
    _, per_unit = district_and_unit_figures(YEAR, BEFORE)
    # The main respondent's head appeared; the review body's recorded nothing: required, not appeared.
    assert per_unit[bureau.id]["appearance"] == {"required": 1, "appeared": 1, "rate_pct": 100.0}
    assert per_unit[district.id]["appearance"] == {"required": 1, "appeared": 0, "rate_pct": 0.0}
    hearing = lawsuit_hearing(lawsuit)
    db.session.add(HearingAppearance(hearing=hearing, unit_id=district.id, appeared=True, principal_name="副区长"))
    db.session.flush()
    assert figures(YEAR, BEFORE, district.id)["appearance"] == {"required": 1, "appeared": 1, "rate_pct": 100.0}
    # The district counts the case once, by the main respondent's record.
    assert figures(YEAR, BEFORE)["appearance"] == {"required": 1, "appeared": 1, "rate_pct": 100.0}


def lawsuit_hearing(lawsuit):
    from sqlalchemy import select

    from casetrack.hearings.models import Hearing

    return db.session.scalar(select(Hearing).where(Hearing.case_id == lawsuit.id))


def test_the_report_notes_that_units_add_up_to_more_than_the_district(factories):
    world(factories)
    report = annual_report(2020, today=date(2021, 1, 5))
    units = {row["unit"]: row for row in report["by_unit"]}
    assert sum(row["litigation"]["new"] for row in units.values()) == 2 and report["litigation"]["new"] == 1
    assert CO_RESPONDENT_NOTE in render_markdown(report, [])
    paragraphs = [p.text for p in Document(io.BytesIO(docx_bytes(report, []))).paragraphs]
    assert CO_RESPONDENT_NOTE in paragraphs


def test_without_co_defendants_the_report_has_no_such_note(factories):
    unit = factories.unit()
    factories.case(kind="litigation", respondent_unit=unit, received_on=date(2020, 3, 2))
    report = annual_report(2020, today=date(2021, 1, 5))
    assert CO_RESPONDENT_NOTE not in render_markdown(report, [])
