"""The leaders' dashboard in a real browser: ECharts from our own static files draws every chart, the tables beside
the charts hold the numbers, nothing is written to the console, and a unit liaison sees its own unit only."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from casetrack.extensions import db
from casetrack.hearings.models import Hearing
from tests.browser.helpers import login, main_form_submit

pytestmark = pytest.mark.browser

ECHARTS = Path(__file__).resolve().parents[2] / "casetrack" / "static" / "vendor" / "echarts" / "echarts.min.js"


@pytest.fixture(autouse=True)
def _echarts_installed():
    if not ECHARTS.exists():
        pytest.fail(f"{ECHARTS} is missing: run `make install` (or `make vendor`) to fetch ECharts", pytrace=False)


class Watcher:
    """Console errors, uncaught exceptions and every URL a page asked for."""

    def __init__(self, page):
        self.errors, self.requests = [], []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text} at {message.location}")


def chart_states(page) -> dict[str, bool]:
    """Each chart container on the page → whether ECharts drew into it (an instance and its SVG)."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('main .chart')).map(el =>
            [el.id, !!(window.echarts && echarts.getInstanceByDom(el)) && el.querySelector('svg') !== null]))"""
    )


#: The text of a chart's tooltip: what its box holds outside the SVG drawing.
TOOLTIP_TEXT = (
    "el => Array.from(el.querySelectorAll('div')).filter(d => !d.querySelector('svg'))"
    ".map(d => d.innerText).join(' ').trim()"
)


def table_rows(page, table_id: str) -> list[list[str]]:
    return page.locator(f"#{table_id} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
    )


def card_value(page, card_id: str) -> str:
    return page.locator(f"#card-{card_id} .value").inner_text().strip()


@pytest.fixture
def seeded(in_app, factories, today):
    """This year (up to 1 January, so any today counts it): 富春街道 2 new reviews, 东洲街道 1 new review and 1 new
    first-instance litigation case, where a head appeared at its hearing. Last year: 富春街道 1 new review."""
    this_year, last_year = date(today.year, 1, 1), date(today.year - 1, 1, 1)
    with in_app():
        fuchun, dongzhou = factories.unit(name="富春街道"), factories.unit(name="东洲街道")
        for number in ("富政复〔今年〕1号", "富政复〔今年〕2号"):
            factories.case(kind="review", number=number, respondent_unit=fuchun, received_on=this_year)
        factories.case(kind="review", number="富政复〔今年〕3号", respondent_unit=dongzhou, received_on=this_year)
        factories.case(kind="review", number="富政复〔去年〕1号", respondent_unit=fuchun, received_on=last_year)
        suit = factories.case(
            kind="litigation", number="(今年)行初1号", respondent_unit=dongzhou, received_on=this_year
        )
        db.session.add(
            Hearing(
                case=suit,
                held_on=this_year,
                court="富阳区人民法院",
                appeared=True,
                principal_name="王局长",
                principal_title="main",
            )
        )
        leader = factories.user(role="leader")
        liaison = factories.user(role="unit", unit=fuchun)
        seeded = {"leader": leader.username, "liaison": liaison.username, "dongzhou_id": dongzhou.id}
    return seeded


def test_leader_opens_the_dashboard_and_every_chart_is_drawn_from_our_own_echarts(page, seeded, live_server, today):
    watcher = Watcher(page)
    login(page, seeded["leader"])
    page.locator("nav.mainnav a[href='/dashboard']").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator("main h1")).to_contain_text(str(today.year))

    expect(page.locator("#card-review-new .value")).to_have_text("3")
    expect(page.locator("#card-review-new .delta")).to_have_text("+200.00%")
    expect(page.locator("#card-litigation-new .value")).to_have_text("1")
    expect(page.locator("#card-appearance-rate .value")).to_have_text("100.00%")
    expect(page.locator("#card-loss-rate .value")).to_have_text("暂无数据")  # nothing concluded: no figure, not 0

    page.wait_for_function("document.querySelectorAll('main .chart svg').length === 3")
    assert chart_states(page) == {"chart-monthly-new": True, "chart-monthly-rates": True, "chart-unit-ranking": True}

    monthly = table_rows(page, "table-monthly-new")
    assert len(monthly) == today.month
    assert monthly[0] == ["1月", "3", "1", "0"]  # review, litigation, compensation claims
    assert table_rows(page, "table-monthly-rates")[0][3] == "100.00%"
    ranking = [["东洲街道", "1", "1", "0"], ["富春街道", "0", "2", "0"]]  # litigation, review, compensation claims
    assert table_rows(page, "table-unit-ranking") == ranking
    expect(page.locator("#table-watch-list tbody tr")).to_have_count(1)
    expect(page.locator("#table-watch-list tbody tr").first).to_contain_text("东洲街道")

    echarts_loads = [url for url in watcher.requests if url.endswith("/echarts.min.js")]
    # Every load (a leader lands on the dashboard, then opens it again) comes from the app's own static files.
    assert echarts_loads and set(echarts_loads) == {f"{live_server}/static/vendor/echarts/echarts.min.js"}
    assert [url for url in watcher.requests if not url.startswith(live_server)] == []
    assert watcher.errors == []


def test_leader_picks_last_year_and_one_unit_with_the_filters(page, seeded, today):
    watcher = Watcher(page)
    login(page, seeded["leader"])
    page.goto("/dashboard")
    # The district's data begins last year: the menu offers this year and last, not every year since 2000.
    expect(page.locator("main form.filters select[name=year] option")).to_have_text(
        [str(today.year), str(today.year - 1)]
    )
    page.select_option("main form.filters select[name=year]", str(today.year - 1))
    page.select_option("main form.filters select[name=unit]", label="富春街道")
    with page.expect_navigation():
        main_form_submit(page, "main form.filters").click()

    expect(page.locator("main h1")).to_contain_text(f"{today.year - 1} · 富春街道")
    expect(page.locator("#card-review-new .value")).to_have_text("1")
    expect(page.locator("#card-review-new .delta")).to_have_text("暂无数据")  # no review two years ago
    page.wait_for_function("document.querySelectorAll('main .chart svg').length === 2")
    assert chart_states(page) == {"chart-monthly-new": True, "chart-monthly-rates": True}  # no ranking for one unit
    assert len(table_rows(page, "table-monthly-new")) == 12
    expect(page.locator("#watch-list")).to_have_count(0)
    assert watcher.errors == []


def test_unit_liaison_sees_its_own_unit_only_whatever_the_url_says(page, seeded):
    watcher = Watcher(page)
    login(page, seeded["liaison"])
    page.goto("/dashboard")
    expect(page.locator("#dashboard-scope")).to_have_text("富春街道")
    expect(page.locator("main select[name=unit]")).to_have_count(0)
    expect(page.locator("#card-review-new .value")).to_have_text("2")
    page.wait_for_function("document.querySelectorAll('main .chart svg').length === 2")
    assert chart_states(page) == {"chart-monthly-new": True, "chart-monthly-rates": True}
    assert table_rows(page, "table-monthly-new")[0] == ["1月", "2", "0", "0"]
    expect(page.locator("main")).not_to_contain_text("东洲街道")

    page.goto(f"/dashboard?unit={seeded['dongzhou_id']}")
    expect(page.locator(".flash.error")).to_have_count(1)
    expect(page.locator("#dashboard-scope")).to_have_text("富春街道")
    expect(page.locator("#card-review-new .value")).to_have_text("2")
    expect(page.locator("main")).not_to_contain_text("东洲街道")
    assert watcher.errors == []


#: Collects every Content-Security-Policy violation on the page, before any of its own scripts run.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (event) {
  window.__cspViolations.push(event.violatedDirective + ' ' + (event.blockedURI || 'inline') + ' ' + event.sample);
});
"""


def test_the_dashboard_draws_its_charts_and_tooltips_under_the_content_security_policy(page, seeded):
    watcher = Watcher(page)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    login(page, seeded["leader"])
    with page.expect_response(lambda response: response.url.endswith("/dashboard")) as answer:
        page.goto("/dashboard")
    assert "script-src 'self'" in answer.value.headers["content-security-policy"]

    page.wait_for_function("document.querySelectorAll('main .chart svg').length === 3")
    assert chart_states(page) == {"chart-monthly-new": True, "chart-monthly-rates": True, "chart-unit-ranking": True}
    # ECharts writes each tooltip as HTML with style attributes: hovering is what would trip a too-strict style-src.
    tooltips = []
    for chart in page.locator("main .chart").all():
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2, steps=5)
        # The tooltip is the HTML ECharts writes into the chart's box beside its SVG.
        page.wait_for_function(f"el => ({TOOLTIP_TEXT})(el) !== ''", arg=chart.element_handle())
        tooltips.append(chart.evaluate(TOOLTIP_TEXT))
    assert "东洲街道" in tooltips[2]

    assert page.evaluate("window.__cspViolations") == []
    assert watcher.errors == []  # Chromium also reports each violation on the console
