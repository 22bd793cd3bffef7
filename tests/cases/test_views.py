import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from casetrack.cases.models import Case
from casetrack.clock import local_today
from casetrack.extensions import db

TODAY = local_today()


def numbers_in(html: str) -> set[str]:
    return set(re.findall(r'href="/cases/\d+">([^<]+)</a>', html))


def exported_numbers(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.fixture
def two_units(factories):
    own, other = factories.unit(name="富春街道"), factories.unit(name="东洲街道")
    mine = factories.case(number="富政复〔2026〕1号", respondent_unit=own, applicants=["王秀英"])
    theirs = factories.case(number="富政复〔2026〕2号", respondent_unit=other, applicants=["王秀兰"])
    liaison = factories.user(role="unit", unit=own)
    db.session.commit()
    return {"own": own, "other": other, "mine": mine, "theirs": theirs, "liaison": liaison}


def test_unit_user_lists_and_searches_only_its_own_cases(login_as, two_units):
    client = login_as(two_units["liaison"])
    assert numbers_in(client.get("/cases").get_data(as_text=True)) == {"富政复〔2026〕1号"}
    assert numbers_in(client.get("/cases?q=王秀").get_data(as_text=True)) == {"富政复〔2026〕1号"}
    assert numbers_in(client.get("/cases?number=2026〕2").get_data(as_text=True)) == set()
    assert numbers_in(client.get(f"/cases?unit_id={two_units['other'].id}").get_data(as_text=True)) == set()


def test_unit_user_gets_404_for_another_units_case_by_url(login_as, two_units):
    client = login_as(two_units["liaison"])
    theirs = two_units["theirs"].id
    for url in (f"/cases/{theirs}", f"/cases/{theirs}/edit"):
        assert client.get(url).status_code == 404
    assert client.post(f"/cases/{theirs}/accept", data={"on": TODAY.isoformat()}).status_code == 404
    assert client.get(f"/cases/{two_units['mine'].id}").status_code == 200


def test_unit_user_exports_only_its_own_cases(login_as, two_units):
    client = login_as(two_units["liaison"])
    assert exported_numbers(client.get("/cases/export.xlsx")) == ["富政复〔2026〕1号"]
    ledger = load_workbook(io.BytesIO(client.get("/ledger/export.xlsx").data), read_only=True)
    assert [r[0] for r in ledger["案件"].iter_rows(min_row=2, values_only=True)] == ["富政复〔2026〕1号"]


def test_staff_see_every_unit_and_export_what_the_filter_shows(login_as, two_units):
    client = login_as("mediator")
    assert numbers_in(client.get("/cases").get_data(as_text=True)) == {"富政复〔2026〕1号", "富政复〔2026〕2号"}
    assert exported_numbers(client.get(f"/cases/export.xlsx?unit_id={two_units['other'].id}")) == ["富政复〔2026〕2号"]
    assert exported_numbers(client.get("/cases/export.xlsx?applicant=王秀英")) == ["富政复〔2026〕1号"]


def test_id_numbers_are_masked_except_for_legal_and_admin(login_as, two_units):
    url = f"/cases/{two_units['mine'].id}"
    assert "330183199001011232" not in login_as("mediator").get(url).get_data(as_text=True)
    assert "330***********1232" in login_as("mediator").get(url).get_data(as_text=True)
    assert "330183199001011232" in login_as("legal").get(url).get_data(as_text=True)


def test_a_clerk_registers_a_case_and_lands_on_it_with_its_deadlines(login_as, factories):
    unit = factories.unit(name="区市场监管局")
    db.session.commit()
    client = login_as("mediator")
    response = client.post(
        "/cases/new",
        data={
            "kind": "review",
            "number": "富政复〔2026〕88号",
            "instance": "first",
            "procedure": "normal",
            "respondent_unit_id": unit.id,
            "applicants": "李四 330183198505051233",
            "applicant_count": 1,
            "matter": "penalty",
            "received_on": (TODAY - timedelta(days=1)).isoformat(),
            "outcome": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "富政复〔2026〕88号" in page and "区市场监管局" in page
    assert "《行政复议法》第三十条" in page


def test_an_invalid_case_form_shows_each_problem_and_saves_nothing(login_as, factories):
    unit = factories.unit()
    db.session.commit()
    client = login_as("mediator")
    response = client.post(
        "/cases/new",
        data={
            "kind": "review",
            "number": "X-1",
            "respondent_unit_id": unit.id,
            "applicants": "李四",
            "matter": "penalty",
            "received_on": TODAY.isoformat(),
            "concluded_on": TODAY.isoformat(),
            "outcome": "compensation",
            "procedure": "normal",
            "instance": "first",
        },
    )
    assert response.status_code == 400
    assert "不适用" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_leader_reads_but_cannot_register_or_edit(login_as, two_units):
    client = login_as("leader")
    assert client.get("/cases").status_code == 200
    assert client.get("/cases/new").status_code == 403
    assert client.get(f"/cases/{two_units['mine'].id}/edit").status_code == 403
    assert client.get("/ledger/").status_code == 403


def test_saving_an_edit_made_on_a_stale_page_is_refused_with_a_message(login_as, two_units):
    case = two_units["mine"]
    first, second = login_as("mediator"), login_as("legal")
    form = {
        "number": case.number,
        "respondent_unit_id": case.respondent_unit_id,
        "applicants": "王秀英",
        "applicant_count": 1,
        "matter": "penalty",
        "received_on": case.received_on.isoformat(),
        "procedure": "normal",
        "instance": "first",
        "version": case.version,
        "outcome": "",
    }
    assert first.post(f"/cases/{case.id}/edit", data={**form, "summary": "甲的修改"}).status_code == 302
    response = second.post(f"/cases/{case.id}/edit", data={**form, "summary": "乙的修改"})
    assert response.status_code == 409
    assert "已被他人修改" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).summary == "甲的修改"


def test_the_case_page_shows_its_history(login_as, two_units):
    case = two_units["mine"]
    client = login_as("mediator")
    client.post(f"/cases/{case.id}/accept", data={"on": TODAY.isoformat(), "version": case.version})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    history = page.split("操作记录")[-1]  # the last mention names the table itself
    assert "受理" in history and "已收案" in history and "已受理" in history and client.user.label in history


def test_the_overdue_filter_finds_cases_past_their_deadline(login_as, factories):
    unit = factories.unit()
    factories.case(number="逾期1号", respondent_unit=unit, received_on=TODAY - timedelta(days=40))
    factories.case(number="新收1号", respondent_unit=unit, received_on=TODAY)
    db.session.commit()
    client = login_as("mediator")
    assert numbers_in(client.get("/cases?deadline=overdue").get_data(as_text=True)) == {"逾期1号"}
    assert "新收1号" in numbers_in(client.get("/cases?deadline=attention").get_data(as_text=True))


def test_a_bad_date_filter_is_explained_not_an_error(login_as):
    response = login_as("mediator").get("/cases?received_from=2020-13-45")
    assert response.status_code == 200
    assert "2020-13-45" in response.get_data(as_text=True)


def test_the_list_paginates(login_as, factories):
    unit = factories.unit()
    for n in range(7):
        factories.case(number=f"分页{n}号", respondent_unit=unit, received_on=TODAY - timedelta(days=n))
    db.session.commit()
    client = login_as("mediator")
    first = numbers_in(client.get("/cases?per_page=5").get_data(as_text=True))
    second = numbers_in(client.get("/cases?per_page=5&page=2").get_data(as_text=True))
    assert len(first) == 5 and len(second) == 2 and not first & second
    assert "分页0号" in first  # newest first


def test_an_empty_list_says_how_to_start(login_as):
    page = login_as("mediator").get("/cases").get_data(as_text=True)
    assert 'href="/ledger/"' in page and 'href="/cases/new"' in page


def test_an_unknown_case_is_a_clear_404(login_as):
    response = login_as("mediator").get("/cases/999999")
    assert response.status_code == 404
    assert "页面或记录不存在" in response.get_data(as_text=True)


def test_a_nul_character_in_a_search_or_form_gets_a_message_not_a_database_error(login_as, factories):
    factories.case(number="测复〔2020〕1号")
    legal = login_as("legal")
    for url in ("/cases?q=%00", "/cases?applicant=a%00b", "/cases/export.xlsx?q=%00"):
        response = legal.get(url)
        assert response.status_code == 400, url
        assert "NUL" in response.get_data(as_text=True)
    assert legal.post("/cases/new", {"number": "x\x00"}).status_code == 400
    assert legal.get("/cases?q=测复").status_code == 200


def test_a_refused_step_names_the_cases_status_in_the_readers_language(login_as, factories):
    case = factories.case(received_on=TODAY - timedelta(days=3))
    legal = login_as("legal")
    page = legal.get(f"/cases/{case.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = legal.post(f"/cases/{case.id}/resume", {"version": version}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "处于“已收案”状态的案件不能执行此操作。" in text
    assert "“Received”" not in text


def test_a_mistyped_id_number_is_refused_in_chinese_and_registers_nothing(login_as, factories):
    unit = factories.unit(name="区市场监管局")
    db.session.commit()
    response = login_as("mediator").post(
        "/cases/new",
        data={
            "kind": "review",
            "number": "富政复〔2026〕89号",
            "instance": "first",
            "procedure": "normal",
            "respondent_unit_id": unit.id,
            "applicants": "李四 330183199504326029",
            "applicant_count": 1,
            "matter": "penalty",
            "received_on": (TODAY - timedelta(days=1)).isoformat(),
            "outcome": "",
        },
    )
    assert response.status_code == 400
    assert "身份证号 330183199504326029 中的出生日期不存在" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Case.id))) == 0
