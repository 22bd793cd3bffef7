"""Issue 10, item 7: after a database error the error page is still a page (it reads the signed-in user). Issue 11,
item 8: its way back leads to the case list, whatever page the reader's role lands on."""

import lxml.html
import pytest
from sqlalchemy import text

from casetrack.accounts.permissions import CAPABILITIES, DEFAULT_LANDING, LANDING_ENDPOINTS
from casetrack.extensions import db


def test_after_a_database_error_the_error_page_is_still_shown(app, login_as, monkeypatch):
    client = login_as("mediator")

    def broken(*args, **kwargs):
        db.session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr("casetrack.cases.queries.page_of_cases", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/cases")
    assert response.status_code == 500
    assert "系统出现错误，错误已记录。" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "role",
    sorted(
        role
        for role, landing in LANDING_ENDPOINTS.items()
        if landing != DEFAULT_LANDING and role in CAPABILITIES["use_registry"]
    ),
)
def test_the_error_pages_way_back_opens_the_case_list_not_the_landing_page(login_as, role):
    client = login_as(role)
    for refused in ("/cases/999999", "/no-such-page"):
        response = client.get(refused)
        assert response.status_code == 404
        back = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//main//a[text()='返回案件列表']/@href")
        assert len(back) == 1
        opened = client.get(back[0])
        assert opened.status_code == 200, f"{back[0]} answered {opened.status_code}"
        assert lxml.html.fromstring(opened.get_data(as_text=True)).xpath("//main//h1")[0].text_content() == "案件"


@pytest.mark.parametrize("role", ["security", "auditor"])
def test_an_administrator_outside_the_registry_is_sent_back_to_their_own_start_page(login_as, role):
    client = login_as(role)
    response = client.get("/no-such-page")
    assert response.status_code == 404
    (back,) = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//main//a[text()='返回我的首页']/@href")
    landing = client.get(back)
    assert landing.status_code == 302
    assert client.get(landing.headers["Location"]).status_code == 200
