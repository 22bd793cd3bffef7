"""Issue 10, item 7: after a database error the error page is still a page (it reads the signed-in user)."""

from sqlalchemy import text

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
