"""The leaders' dashboard: figures as built here, a unit liaison's own unit only, bad filters, the empty state."""

import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from casetrack.accounts.permissions import CAPABILITIES
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.stats.queries import years_with_data
from tests import factories
from tests.factories import held_hearing as hearing


class _Tables(HTMLParser):
    """Rows of cell texts of every <table id=…> in a page (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def card(html: str, card_id: str) -> dict[str, str]:
    block = re.search(rf'id="card-{card_id}">(.*?)</div>', html, re.S).group(1)

    def text(css_class):
        found = re.search(rf'class="{css_class}"[^>]*>([^<]*)<', block)
        return found.group(1).strip() if found else None

    return {"value": text("big value"), "change": text("delta"), "previous": text("previous")}


def flashes(html: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(r'class="flash error"[^>]*>(.*?)</div>', html, re.S)]


def empty_state(html: str) -> str:
    return re.search(r'<div class="empty" id="dashboard-empty">(.*?)</div>', html, re.S).group(1)


def selected_unit(html: str) -> int | None:
    select = re.search(r'<select name="unit">(.*?)</select>', html, re.S).group(1)
    chosen = re.search(r'<option value="(\d+)" selected', select)
    return int(chosen.group(1)) if chosen else None


def selected_year(html: str) -> int:
    select = re.search(r'<select name="year">(.*?)</select>', html, re.S).group(1)
    return int(re.search(r'<option value="(\d+)" selected', select).group(1))


def mediation(unit, number, status, concluded_on):
    factories.mediation(unit, number, status, concluded_on, received_on=concluded_on - timedelta(days=20))


def review(factories, unit, number, received, concluded=None, outcome=None):
    return factories.case(
        kind="review",
        number=number,
        respondent_unit=unit,
        received_on=received,
        accepted_on=received + timedelta(days=3) if concluded else None,
        concluded_on=concluded,
        outcome=outcome,
    )


def litigation(factories, unit, number, received, concluded=None, outcome=None):
    return factories.case(
        kind="litigation",
        instance="first",
        number=number,
        respondent_unit=unit,
        received_on=received,
        accepted_on=received + timedelta(days=3) if concluded else None,
        concluded_on=concluded,
        outcome=outcome,
    )


@pytest.fixture
def district(factories):
    """2020 against 2019 in two units. District: review 3 new (2019: 2), 1 corrected of 2 concluded (2019: 0 of 2);
    litigation 2 new (2019: 1), 1 lost of 2 concluded (2019: none concluded); a head appeared in 1 of 2 cases with a
    hearing; mediation 2 succeeded of 3. 富春街道 alone: review 2 new (2019: 1), litigation 1 new and lost."""
    fuchun, dongzhou = factories.unit(name="富春街道"), factories.unit(name="东洲街道")
    review(factories, fuchun, "富政复〔2020〕1号", date(2020, 2, 1), date(2020, 5, 1), "revoked")
    review(factories, fuchun, "富政复〔2020〕2号", date(2020, 3, 1))
    review(factories, dongzhou, "富政复〔2020〕3号", date(2020, 3, 15), date(2020, 6, 1), "upheld")
    review(factories, fuchun, "富政复〔2019〕1号", date(2019, 4, 1), date(2019, 8, 1), "upheld")
    review(factories, dongzhou, "富政复〔2019〕2号", date(2019, 5, 1), date(2019, 9, 1), "rejected")
    lost = litigation(factories, fuchun, "(2020)浙0111行初1号", date(2020, 1, 10), date(2020, 7, 1), "revoked")
    won = litigation(factories, dongzhou, "(2020)浙0111行初2号", date(2020, 4, 1), date(2020, 8, 1), "claim_rejected")
    litigation(factories, dongzhou, "(2019)浙0111行初1号", date(2019, 1, 1))
    hearing(lost, date(2020, 3, 1), True)
    hearing(won, date(2020, 5, 1), False)
    # A 行政赔偿 claim granted 5,000 of the 8,000 yuan claimed: figures of its own, none of review's or litigation's.
    granted = {"outcome": "granted", "amount_claimed_fen": 800_000, "amount_granted_fen": 500_000}
    factories.claim(respondent_unit=fuchun, received_on=date(2020, 4, 10), concluded_on=date(2020, 6, 10), **granted)
    mediation(fuchun, "富调〔2020〕1号", "succeeded", date(2020, 6, 1))
    mediation(dongzhou, "富调〔2020〕2号", "failed", date(2020, 7, 1))
    mediation(dongzhou, "富调〔2020〕3号", "succeeded", date(2020, 8, 1))
    liaison = factories.user(role="unit", unit=fuchun)
    db.session.commit()
    return {"fuchun": fuchun, "dongzhou": dongzhou, "liaison": liaison}


def test_a_leader_sees_the_years_figures_with_year_on_year_changes(login_as, district):
    html = login_as("leader").get("/dashboard?year=2020").get_data(as_text=True)
    assert flashes(html) == []
    assert card(html, "review-new") == {"value": "3", "change": "+50.00%", "previous": "(2019: 2)"}
    assert card(html, "correction-rate")["value"] == "50.00%"
    assert card(html, "correction-rate")["change"].startswith("+50.00")  # percentage points
    assert card(html, "litigation-new") == {"value": "2", "change": "+100.00%", "previous": "(2019: 1)"}
    assert card(html, "loss-rate")["value"] == "50.00%"
    assert card(html, "loss-rate")["previous"] == "(2019: 暂无数据)"  # nothing concluded in 2019: no figure
    assert card(html, "appearance-rate")["value"] == "50.00%"
    assert card(html, "mediation-success-rate")["value"] == "66.67%"
    assert card(html, "compensation-new") == {"value": "1", "change": "暂无数据", "previous": "(2019: 0)"}
    assert card(html, "compensation-granted")["value"] == "1"
    assert card(html, "compensation-amount")["value"] == "5,000.00"


def test_monthly_tables_hold_every_month_of_a_past_year(login_as, district):
    found = tables(login_as("leader").get("/dashboard?year=2020").get_data(as_text=True))
    monthly = found["table-monthly-new"][1:]
    assert [row[0] for row in monthly] == [f"{month}月" for month in range(1, 13)]
    # review, first-instance litigation, compensation claims
    assert [row[1:] for row in monthly[:4]] == [["0", "1", "0"], ["1", "0", "0"], ["2", "0", "0"], ["0", "1", "1"]]
    rates = {row[0]: row[1:] for row in found["table-monthly-rates"][1:]}
    # correction, loss, appearance, mediation success; "—" is a month without a figure, never 0
    assert rates["3月"] == ["—", "—", "100.00%", "—"]
    assert rates["5月"] == ["100.00%", "—", "0.00%", "—"]
    assert rates["7月"] == ["—", "100.00%", "—", "0.00%"]


def test_the_district_view_ranks_units_and_lists_the_watch_list(login_as, district):
    html = login_as("leader").get("/dashboard?year=2020").get_data(as_text=True)
    found = tables(html)
    # most litigation first, then most reviews
    assert [row[:3] for row in found["table-unit-ranking"][1:]] == [["富春街道", "1", "2"], ["东洲街道", "1", "1"]]
    watch = {row[0]: row for row in found["table-watch-list"][1:]}
    assert set(watch) == {"富春街道", "东洲街道"}
    assert watch["富春街道"][2].startswith("100.00%") and watch["东洲街道"][3].startswith("0.00%")
    # 富春 for its losses, 东洲 for its absences, both for having litigation at all.
    watch_html = re.search(r'id="table-watch-list">(.*?)</table>', html, re.S).group(1)
    flags = {
        unit: re.search(rf'<th scope="row">{unit}</th>(.*?)</tr>', watch_html, re.S).group(1).count('class="tag warn"')
        for unit in watch
    }
    assert flags == {"富春街道": 2, "东洲街道": 2}


def test_a_leader_narrows_the_dashboard_to_one_unit(login_as, district):
    html = login_as("leader").get(f"/dashboard?year=2020&unit={district['fuchun'].id}").get_data(as_text=True)
    assert selected_unit(html) == district["fuchun"].id
    assert card(html, "review-new") == {"value": "2", "change": "+100.00%", "previous": "(2019: 1)"}
    assert card(html, "loss-rate")["value"] == "100.00%"
    found = tables(html)
    assert "table-unit-ranking" not in found and "table-watch-list" not in found


def test_unit_liaison_sees_only_its_own_units_figures(login_as, district):
    client = login_as(district["liaison"])
    html = client.get("/dashboard?year=2020").get_data(as_text=True)
    assert card(html, "review-new") == {"value": "2", "change": "+100.00%", "previous": "(2019: 1)"}
    assert card(html, "mediation-success-rate")["value"] == "100.00%"
    assert 'name="unit"' not in html
    assert "东洲街道" not in html
    assert "table-unit-ranking" not in tables(html) and 'id="watch-list"' not in html


def test_unit_liaison_cannot_see_another_units_figures_through_the_url(login_as, district):
    client = login_as(district["liaison"])
    for query in (f"unit={district['dongzhou'].id}", "unit=", "unit=abc"):
        html = client.get(f"/dashboard?year=2020&{query}").get_data(as_text=True)
        assert card(html, "review-new")["value"] == "2", query
        assert "东洲街道" not in html, query
    other = district["dongzhou"].id
    assert len(flashes(client.get(f"/dashboard?year=2020&unit={other}").get_data(as_text=True))) == 1
    assert client.get(f"/dashboard/export.xlsx?year=2020&unit={other}").status_code == 302
    workbook = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx?year=2020").data))
    assert list(workbook.worksheets[0].values)[2][1] == 2  # new review cases of its own unit
    assert "东洲街道" not in str([list(sheet.values) for sheet in workbook])


FIRST_WITH_DATA = object()


@pytest.mark.parametrize(
    "query, named",
    [
        ("year=abc", "abc"),
        ("year=1999", FIRST_WITH_DATA),  # a year before any data: the message names the first year there is
        ("year=99999999999999", "99999999999999"),
        ("year=²", "²"),
        ("unit=999999", "999999"),
        ("unit=x", "x"),
    ],
)
def test_a_bad_filter_is_explained_and_the_default_view_shown(login_as, district, query, named):
    response = login_as("leader").get(f"/dashboard?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    problems = flashes(html)
    if named is FIRST_WITH_DATA:
        named = str(years_with_data()[-1])
    assert len(problems) == 1 and named in problems[0]
    assert selected_year(html) == local_today().year
    assert selected_unit(html) is None  # the whole district


def test_next_year_is_refused_with_the_range_of_years(login_as):
    next_year = local_today().year + 1
    html = login_as("leader").get(f"/dashboard?year={next_year}").get_data(as_text=True)
    assert len(flashes(html)) == 1 and str(local_today().year) in flashes(html)[0]
    assert selected_year(html) == local_today().year


def test_an_empty_database_gets_an_explanation_instead_of_charts(login_as):
    html = login_as("leader").get("/dashboard").get_data(as_text=True)
    assert 'id="dashboard-data"' not in html and "echarts" not in html
    assert "href" not in empty_state(html)  # a leader registers nothing
    clerk_view = empty_state(login_as("mediator").get("/dashboard").get_data(as_text=True))
    assert 'href="/cases/new"' in clerk_view and 'href="/ledger/' in clerk_view


def test_the_running_year_is_compared_with_the_same_days_a_year_earlier(login_as, factories):
    today = local_today()
    unit = factories.unit(name="区司法局")
    review(factories, unit, "今年1号", date(today.year, 1, 1))
    review(factories, unit, "去年1号", date(today.year - 1, 1, 1))
    review(factories, unit, "去年2号", date(today.year - 1, 1, 1))
    if (today.month, today.day) != (12, 31):
        # Later in last year than today is in this one: outside the comparison.
        review(factories, unit, "去年3号", date(today.year - 1, 12, 31))
    db.session.commit()
    html = login_as("leader").get("/dashboard").get_data(as_text=True)
    assert selected_year(html) == today.year
    assert card(html, "review-new") == {"value": "1", "change": "-50.00%", "previous": f"({today.year - 1}: 2)"}
    assert today.isoformat() in re.search(r'id="dashboard-period">(.*?)</p>', html, re.S).group(1)
    monthly = tables(html)["table-monthly-new"][1:]
    assert len(monthly) == today.month and monthly[0][1] == "1"


def test_the_excel_export_holds_what_the_page_shows(login_as, district):
    response = login_as("leader").get("/dashboard/export.xlsx?year=2020")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) == 5  # figures, two monthly charts, the unit ranking, the watch list
    figures = list(workbook.worksheets[0].values)
    assert figures[2][1:4] == (3, 2, "+50.00%")
    monthly = list(workbook.worksheets[1].values)
    assert [row[1:] for row in monthly[1:5]] == [(0, 1, 0), (1, 0, 0), (2, 0, 0), (0, 1, 1)]


def test_the_excel_export_with_a_bad_filter_goes_back_to_the_page(login_as):
    response = login_as("leader").get("/dashboard/export.xlsx?year=abc")
    assert response.status_code == 302 and "/dashboard?year=" in response.headers["Location"]


@pytest.mark.parametrize("role", sorted(CAPABILITIES["use_registry"]))
def test_every_role_of_the_registry_may_open_the_dashboard(login_as, role, district):
    assert login_as(role).get("/dashboard?year=2020").status_code == 200


def test_the_dashboard_needs_a_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_chart_numbers_are_embedded_for_the_script_and_served_from_our_own_files(login_as, district):
    html = login_as("leader").get("/dashboard?year=2020").get_data(as_text=True)
    embedded = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', html, re.S).group(1)
    charts = {chart["id"]: chart for chart in json.loads(embedded)["charts"]}
    assert set(charts) == {"monthly-new", "monthly-rates", "unit-ranking"}
    assert charts["monthly-new"]["series"][0]["data"][:4] == [0, 1, 2, 0]
    assert charts["monthly-rates"]["series"][0]["data"][2] is None
    sources = re.findall(r'<script[^>]* src="([^"]+)"', html)
    # nav.js (every page: the phone menu) in the head, then the charts.
    assert sources == ["/static/js/nav.js", "/static/vendor/echarts/echarts.min.js", "/static/js/dashboard.js"]


def test_a_liaison_without_a_unit_is_refused_rather_than_shown_the_district(login_as, factories, district):
    liaison = factories.user(role="unit", unit=None)
    assert login_as(liaison).get("/dashboard?year=2020").status_code == 403


def test_a_leader_lands_on_the_dashboard_and_the_mediation_center_on_its_reminders(login_as):
    assert login_as("leader").get("/").headers["Location"].endswith("/dashboard")
    assert login_as("mediator").get("/").headers["Location"].endswith("/notifications/")


def agenda_part(html: str, part: str) -> str:
    found = re.search(rf'<div class="card" id="agenda-{part}">(.*?)\n  </div>', html, re.S)
    return " ".join(found.group(1).split()) if found else ""


def test_the_agenda_shows_each_reader_what_waits_for_a_decision_within_what_it_may_see(login_as):
    from casetrack.hearings.models import Hearing
    from casetrack.reports.models import StoredReport

    today = local_today()
    near, far = factories.unit(name="富春街道"), factories.unit(name="区住建局")
    lost = factories.case(
        kind="litigation",
        respondent_unit=far,
        received_on=today - timedelta(days=120),
        accepted_on=today - timedelta(days=118),
        concluded_on=today - timedelta(days=10),
        outcome="revoked",
    )
    own = factories.case(kind="litigation", respondent_unit=near, received_on=today - timedelta(days=30))
    db.session.add_all(
        [
            Hearing(case_id=own.id, held_on=today + timedelta(days=3), court="富阳区人民法院"),
            Hearing(case_id=lost.id, held_on=today + timedelta(days=5), court="富阳区人民法院"),
            Hearing(case_id=lost.id, held_on=today + timedelta(days=20), court="富阳区人民法院"),
            StoredReport(year=today.year - 1, format="docx", content=b"docx"),
        ]
    )
    db.session.commit()

    html = login_as("legal").get("/dashboard").get_data(as_text=True)
    assert "区住建局" in agenda_part(html, "proposals")
    hearings = agenda_part(html, "hearings")
    assert own.number in hearings and lost.number in hearings and "(2)" in hearings  # not the one in 20 days
    assert f'href="/reports/{today.year - 1}.docx"' in agenda_part(html, "report")

    # A leader looks a month ahead, by unit.
    html = login_as("leader").get("/dashboard").get_data(as_text=True)
    assert "区住建局" in agenda_part(html, "proposals")
    hearings = agenda_part(html, "hearings")
    assert "(3)" in hearings
    assert f"/hearings/calendar?view=month&amp;unit_id={far.id}" in hearings and "2场，最早" in hearings
    assert f"/hearings/calendar?view=month&amp;unit_id={near.id}" in hearings
    assert f'href="/reports/{today.year - 1}.docx"' in agenda_part(html, "report")

    html = login_as("unit", unit=near).get("/dashboard").get_data(as_text=True)
    assert agenda_part(html, "proposals") == "" and agenda_part(html, "report") == ""
    hearings = agenda_part(html, "hearings")
    assert own.number in hearings and lost.number not in hearings


def test_the_agenda_lists_the_units_waiting_longest_for_an_interview_and_counts_the_rest(login_as):
    today = local_today()
    for n in range(10):
        factories.case(
            kind="litigation",
            number=f"（{today.year}）浙0111行初{n}号",
            respondent_unit=factories.unit(name=f"待约谈单位{n:02d}"),
            received_on=today - timedelta(days=120),
            accepted_on=today - timedelta(days=118),
            concluded_on=today - timedelta(days=30 - n),
            outcome="revoked",
        )
    db.session.commit()
    proposals = agenda_part(login_as("leader").get("/dashboard").get_data(as_text=True), "proposals")
    assert "(10)" in proposals and "待约谈单位00" in proposals and "待约谈单位07" in proposals
    assert "待约谈单位08" not in proposals and "另有2个单位" in proposals
