"""行政赔偿, the kind added through the registry: registered, decided within two months, reported and confirmed,
imported and exported, served by the API and counted in figures of its own that leave review's and litigation's
alone."""

from datetime import date, timedelta

import lxml.html
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from casetrack.cases import kinds, rules
from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db
from casetrack.ledger.services import import_ledger
from casetrack.stats.queries import Period, figures
from casetrack.workdays.rules import WorkCalendar
from tests.ledger.test_import import HEADER, row, xlsx

TODAY = local_today()
AMOUNT_HEADER = [*HEADER, "请求赔偿金额", "赔偿金额"]


def claim_form(unit_id, **changes):
    data = {
        "kind": "compensation",
        "number": "富赔〔2026〕5号",
        "instance": "first",
        "procedure": "normal",
        "respondent_unit_id": unit_id,
        "applicants": "王五",
        "applicant_count": 1,
        "matter": "enforcement",
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "amount_claimed": "8000.50",
        "outcome": "",
    }
    return {**data, **changes}


def count() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def test_a_claim_is_registered_with_its_amount_and_its_two_month_decision_deadline(login_as, factories):
    unit = factories.unit(name="区公安分局")
    client = login_as("mediator")
    response = client.post("/cases/new", data=claim_form(unit.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    assert (case.kind, case.instance, case.amount_claimed_fen) == ("compensation", None, 800050)
    assert case.next_deadline_code == "compensation_decision"
    assert case.next_deadline_on == WorkCalendar({}).add_months(case.received_on, 2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "行政赔偿" in page and "8,000.50" in page
    assert "作出是否赔偿的决定" in page and "《国家赔偿法》第十三条" in page
    assert 'id="hearings"' not in page  # no court hearings for a claim made to the agency


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount_claimed": ""}, "请填写请求赔偿金额。"),
        ({"kind": "review", "number": "富政复〔2026〕9号"}, "此类案件没有该项。"),
        ({"amount_claimed": "-5"}, "赔偿金额"),
    ],
)
def test_a_claim_without_its_amount_or_an_amount_on_another_kind_is_refused(login_as, factories, changes, message):
    unit = factories.unit()
    response = login_as("mediator").post("/cases/new", data=claim_form(unit.id, **changes))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count() == 0


def test_deciding_a_claim_records_the_amount_granted_and_only_compensation_figures_move(login_as, factories):
    unit = factories.unit(name="区公安分局")
    claim = factories.claim(
        number="富赔〔2026〕6号",
        respondent_unit=unit,
        received_on=TODAY - timedelta(days=20),
        amount_claimed_fen=1_000_000,
    )
    db.session.commit()
    before = figures(Period.year(TODAY.year), Period.year(TODAY.year - 1))
    client = login_as("legal")
    too_much = {
        "on": TODAY.isoformat(),
        "outcome": "partly_granted",
        "amount_granted": "20000",
        "version": claim.version,
    }
    refused = client.post(f"/cases/{claim.id}/conclude", data=too_much, follow_redirects=True)
    assert "赔偿金额超过了请求赔偿金额。" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, claim.id).status == "accepted"  # nothing changed

    client.post(f"/cases/{claim.id}/conclude", data={**too_much, "amount_granted": "3500.25"})
    db.session.expire_all()
    decided = db.session.get(Case, claim.id)
    assert (decided.status, decided.outcome, decided.amount_granted_fen) == ("concluded", "partly_granted", 350025)
    after = figures(Period.year(TODAY.year), Period.year(TODAY.year - 1))
    assert after["compensation"]["concluded"] == before["compensation"]["concluded"] + 1
    assert after["compensation"]["granted"] == before["compensation"]["granted"] + 1
    assert after["compensation"]["amount_granted"] == before["compensation"]["amount_granted"] + 3500.25
    for section in ("review", "litigation"):
        assert after[section] == before[section]


def test_a_unit_reports_a_decision_with_its_amount_and_the_legal_bureau_confirms_it(login_as, factories):
    unit = factories.unit(name="富春街道")
    claim = factories.claim(respondent_unit=unit, received_on=TODAY - timedelta(days=30), amount_claimed_fen=50_000)
    liaison = factories.user(role="unit", unit=unit)
    db.session.commit()
    report = {"on": TODAY.isoformat(), "outcome": "granted", "amount_granted": "500", "reason": "已作出赔偿决定"}
    login_as(liaison).post(f"/cases/{claim.id}/report-outcome", data=report)
    db.session.expire_all()
    assert db.session.get(Case, claim.id).status == "accepted"
    legal = login_as("legal")
    page = legal.get(f"/cases/{claim.id}").get_data(as_text=True)
    assert "500.00" in page
    pending = db.session.get(Case, claim.id)
    from casetrack.cases.queries import case_outcome_reports

    legal.post(f"/cases/outcome-reports/{case_outcome_reports(pending.id)[0].id}/confirm", data={})
    db.session.expire_all()
    confirmed = db.session.get(Case, claim.id)
    assert (confirmed.status, confirmed.outcome, confirmed.amount_granted_fen) == ("concluded", "granted", 50_000)


def test_the_ledger_imports_and_exports_claims_with_their_amounts(app, factories, tmp_path):
    from casetrack.accounts.permissions import SYSTEM

    claim = [*row(number="富赔〔2020〕3号", kind="行政赔偿", outcome="部分赔偿"), "12,000", "4500.5"]
    review = [*row(number="富政复〔2020〕8号"), "", ""]
    result = import_ledger(xlsx(tmp_path / "claims.xlsx", [claim, review], header=AMOUNT_HEADER), SYSTEM, TODAY)
    assert result.errors == [] and result.created == {"cases": 2}
    imported = db.session.scalar(select(Case).where(Case.kind == kinds.COMPENSATION))
    assert (imported.outcome, imported.amount_claimed_fen, imported.amount_granted_fen) == (
        "partly_granted",
        1_200_000,
        450_050,
    )
    from casetrack.ledger.services import export_ledger

    path = tmp_path / "out.xlsx"
    export_ledger(path, SYSTEM)
    rows = list(load_workbook(path)["案件"].values)
    header = rows[0]
    exported = next(r for r in rows if r[0] == "富赔〔2020〕3号")
    assert exported[header.index("类型")] == "行政赔偿" and exported[header.index("结果")] == "部分赔偿"
    assert exported[header.index("请求赔偿金额")] == 12000 and exported[header.index("赔偿金额")] == 4500.5


@pytest.mark.parametrize(
    ("amounts", "problem"),
    [
        (("abc", ""), "不是以元为单位的金额"),
        (("100.123", ""), "小数超过两位"),
        (("100", "200"), "赔偿金额超过了请求赔偿金额"),
        (("", ""), "请填写请求赔偿金额"),
    ],
)
def test_a_ledger_with_a_bad_amount_imports_nothing_and_names_the_row(app, tmp_path, amounts, problem):
    from flask_babel import force_locale, gettext

    from casetrack.accounts.permissions import SYSTEM

    good = [*row(number="富赔〔2020〕1号", kind="行政赔偿", outcome="予以赔偿"), "300", "300"]
    bad = [*row(number="富赔〔2020〕2号", kind="行政赔偿", outcome="部分赔偿"), *amounts]
    result = import_ledger(xlsx(tmp_path / "bad.xlsx", [good, bad], header=AMOUNT_HEADER), SYSTEM, TODAY)
    assert count() == 0
    with force_locale("zh_Hans_CN"):
        messages = [(error.row, gettext(error.message, **error.params)) for error in result.errors]
    assert any(row_number == 3 and problem in message for row_number, message in messages), messages


def test_the_api_serves_the_kind_its_amounts_and_its_figures(login_as, factories):
    unit = factories.unit(name="区公安分局")
    factories.claim(
        number="富赔〔2020〕7号",
        respondent_unit=unit,
        concluded_on=date(2020, 4, 2),
        outcome="granted",
        amount_claimed_fen=90_000,
        amount_granted_fen=90_000,
    )
    client = login_as("leader")
    listed = client.get("/api/v1/cases?kind=compensation").get_json()
    assert [(c["kind"], c["amount_claimed"], c["amount_granted"]) for c in listed["items"]] == [
        ("compensation", 900.0, 900.0)
    ]
    document = client.get("/api/v1/openapi.json").get_json()
    assert "compensation" in document["components"]["schemas"]["Case"]["properties"]["kind"]["enum"]
    figures_2020 = client.get("/api/v1/figures?year=2020").get_json()
    assert figures_2020["compensation"] == {
        "new": 1,
        "new_prev": 0,
        "new_yoy_pct": None,
        "concluded": 1,
        "granted": 1,
        "amount_granted": 900.0,
    }
    assert figures_2020["review"]["new"] == 0 and figures_2020["litigation"]["new"] == 0
    schema = document["components"]["schemas"]["Figures"]["properties"]["compensation"]["properties"]
    assert set(schema) == set(figures_2020["compensation"])


def test_the_annual_report_lists_claims_only_in_a_year_that_had_them(app, factories):
    from casetrack.reports.rules import render_markdown
    from casetrack.reports.services import annual_report, annual_trend

    unit = factories.unit(name="区公安分局")
    factories.case(kind="review", respondent_unit=unit, received_on=date(2020, 3, 2))
    factories.claim(number="富赔〔2021〕1号", respondent_unit=unit, received_on=date(2021, 5, 6))
    db.session.commit()
    quiet = render_markdown(annual_report(2020), annual_trend(2020))
    assert "赔偿" not in quiet
    busy = render_markdown(annual_report(2021), annual_trend(2021))
    assert "行政赔偿案件新收1件" in busy and "| 赔偿新收 |" in busy and "赔偿新收(件)" in busy


def test_every_deadline_a_kind_can_produce_has_a_name(app):
    calendar = WorkCalendar({})
    for code in kinds.KINDS:
        case = {
            "kind": code,
            "instance": "first",
            "procedure": "normal",
            "received_on": date(2026, 1, 5),
            "accepted_on": date(2026, 1, 6),
            "copy_sent_on": date(2026, 1, 7),
            "served_on": date(2026, 1, 7),
            "concluded_on": date(2026, 3, 1),
            "outcome": next(iter(kinds.KINDS[code].outcomes)),
        }
        produced = {deadline.code for deadline in rules.compute_deadlines(case, calendar)}
        assert produced and produced <= set(kinds.KINDS[code].deadlines), code


@pytest.mark.parametrize(
    "fen, shown",
    [
        (None, ""),
        (0, "0.00"),
        (5, "0.05"),
        (12_345_678, "123,456.78"),
        (-12_345, "-123.45"),
        (kinds.AMOUNT_MAX_YUAN * 100 + 99, "10,000,000,000.99"),  # the largest amount, to the fen
    ],
)
def test_an_amount_in_fen_reads_in_yuan_exactly(fen, shown):
    assert kinds.format_yuan(fen) == shown


def test_the_case_page_and_its_history_show_an_amount_alike(login_as, factories):
    claim = factories.claim(
        number="富赔〔2026〕7号", received_on=TODAY - timedelta(days=20), amount_claimed_fen=1_000_000
    )
    db.session.commit()
    client = login_as("legal")
    decision = {"on": TODAY.isoformat(), "outcome": "partly_granted", "amount_granted": "3500.25"}
    client.post(f"/cases/{claim.id}/conclude", data={**decision, "version": claim.version})
    page = lxml.html.fromstring(client.get(f"/cases/{claim.id}").get_data(as_text=True))
    facts = dict(zip(page.xpath("//dl//dt/text()"), page.xpath("//dl//dd"), strict=False))
    granted = facts["赔偿金额（元）"].text_content()
    assert granted == kinds.format_yuan(350025)
    history = [cell.text_content() for cell in page.xpath("//table[contains(@class, 'history')]//td[@class='after']")]
    assert granted in history
