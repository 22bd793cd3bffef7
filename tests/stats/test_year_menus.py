"""Issue 11, item 8: a year menu lists the years there is data for — from the first year anything is dated in to the
running year (stats.queries.years_with_data) — not every year since 2000. Every page of every role of the hardening
world (tests/hardening/world.py) is looked at, so a menu added later is held to it too."""

from __future__ import annotations

import lxml.html

from casetrack.clock import local_today
from casetrack.stats.queries import years_with_data
from tests.hardening.test_hostile_posts import page_url, pages
from tests.hardening.world import ROLES, build, signed_in

#: Pages with a year field that is no menu of data: the holiday schedule is entered for years to come.
NOT_DATA_YEARS = ("/admin/calendar",)
#: The pages known to draw a year menu: the walk must find each of them, or it looked at nothing.
MENU_PAGES = ("/dashboard", "/hearings/appearance", "/mediations/", "/reports/")


def year_menus(html: str) -> list[list[int]]:
    tree = lxml.html.fromstring(html)
    menus = [
        [int(value) for value in select.xpath(".//option/@value")] for select in tree.xpath("//select[@name='year']")
    ]
    typed = tree.xpath("//input[@name='year' and not(@type='hidden')]")
    return menus + [["typed", field.get("type")] for field in typed]


def test_every_year_menu_of_every_page_offers_the_years_with_data(app, factories):
    world = build(factories)
    expected = years_with_data()
    first = min(case.received_on.year for case in world["cases"].values())
    assert len(expected) > 1 and expected == list(range(local_today().year, first - 1, -1))
    found, wrong = set(), []
    for role in ROLES:
        client = signed_in(app, world["people"][role]).client
        for page in pages(app, world):
            url = page_url(app, world, page)
            if url.startswith(NOT_DATA_YEARS):
                continue
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for menu in year_menus(response.get_data(as_text=True)):
                found.add(url)
                if menu != expected:
                    wrong.append(f"{role} {url}: {menu}")
    assert wrong == []
    assert set(MENU_PAGES) <= found


def test_an_empty_database_offers_only_the_running_year(app, login_as):
    this_year = local_today().year
    client = login_as("legal")
    for url in MENU_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert year_menus(response.get_data(as_text=True)) == [[this_year]], url


def test_a_year_outside_the_menu_shows_the_running_year_selected(app, login_as, factories):
    this_year = local_today().year
    factories.case(received_on=local_today().replace(year=this_year - 3, month=1, day=10))
    client = login_as("legal")
    for url in ("/hearings/appearance", "/mediations/"):
        tree = lxml.html.fromstring(client.get(f"{url}?year={this_year - 4}").get_data(as_text=True))
        assert tree.xpath("//select[@name='year']/option[@selected]/@value") == [str(this_year)], url
        tree = lxml.html.fromstring(client.get(f"{url}?year={this_year - 3}").get_data(as_text=True))
        assert tree.xpath("//select[@name='year']/option[@selected]/@value") == [str(this_year - 3)], url
