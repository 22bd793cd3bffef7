"""A text search's page (搜索, 案号, 申请人) is the right page whichever way it is found (cases.queries.page_of_cases):
from the first cases in the list's order when the matches are among them, else from every match sorted; and a
search with more matches than it counts says "more than" instead of counting them all."""

import re
from datetime import date, timedelta

import pytest

from casetrack.cases import queries
from casetrack.extensions import db


def numbers_in_order(html: str) -> list[str]:
    return re.findall(r'href="/cases/\d+">([^<]+)</a>', html)


@pytest.fixture
def old_matches_behind_new_cases(factories):
    """Six cases of 张某某 from 2020, behind six newer cases of other applicants."""
    unit = factories.unit(name="区住建局")
    for n in range(6):
        factories.case(
            number=f"富政复〔2020〕{n + 1}号",
            respondent_unit=unit,
            applicants=["张某某"],
            received_on=date(2020, 1, 6 + n),
        )
        factories.case(
            number=f"富政复〔2026〕{n + 1}号",
            respondent_unit=unit,
            applicants=["李四"],
            received_on=date(2026, 1, 6) + timedelta(days=n),
        )
    db.session.commit()


@pytest.mark.parametrize("counted_up_to", [3, 10])
@pytest.mark.parametrize("searched", ["q=张某某", "applicant=张某某", "number=〔2020〕"])
def test_matches_beyond_the_first_cases_of_the_list_are_found_and_sorted(
    login_as, factories, monkeypatch, old_matches_behind_new_cases, counted_up_to, searched
):
    # A window of four cases holds none of the matches; three counted means "more than", ten counts them all.
    monkeypatch.setattr(queries, "SEARCH_WINDOW", 4)
    monkeypatch.setattr(queries, "FEW_MATCHES", 1)
    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", counted_up_to)
    client = login_as(factories.user(role="legal"))
    newest_first = [f"富政复〔2020〕{n}号" for n in range(6, 0, -1)]

    page = client.get(f"/cases?{searched}").get_data(as_text=True)
    assert numbers_in_order(page) == newest_first
    if counted_up_to == 3:
        assert "超过3件" in page
    else:
        assert "6件" in page and "超过" not in page

    assert numbers_in_order(client.get(f"/cases?{searched}&sort=number").get_data(as_text=True)) == sorted(newest_first)
    first = client.get(f"/cases?{searched}&per_page=2").get_data(as_text=True)
    assert numbers_in_order(first) == newest_first[:2]
    by_number = client.get(f"/cases?{searched}&sort=number&per_page=2").get_data(as_text=True)
    assert numbers_in_order(by_number) == sorted(newest_first)[:2]
    second = client.get(f"/cases?{searched}&per_page=4&page=2").get_data(as_text=True)
    assert numbers_in_order(second) == newest_first[4:]


def test_matches_among_the_first_cases_of_the_list_make_its_page(login_as, factories, monkeypatch):
    monkeypatch.setattr(queries, "SEARCH_WINDOW", 4)
    monkeypatch.setattr(queries, "FEW_MATCHES", 1)
    unit = factories.unit(name="区住建局")
    for n in range(8):
        factories.case(
            number=f"富政复〔2026〕{n + 1}号",
            respondent_unit=unit,
            applicants=["王建国" if n % 2 else "李四"],
            received_on=date(2026, 1, 6) + timedelta(days=n),
        )
    db.session.commit()
    client = login_as(factories.user(role="legal"))
    page = client.get("/cases?q=王建国&per_page=2").get_data(as_text=True)
    assert numbers_in_order(page) == ["富政复〔2026〕8号", "富政复〔2026〕6号"]
    assert "4件" in page
