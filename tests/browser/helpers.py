"""Small steps the browser tests share."""

from __future__ import annotations

PASSWORD = "Password-123"


def main_form_submit(page, form_selector: str = "main form"):
    """The submit button of a form in the page body (the header has its own forms: language switch, log out)."""
    return page.locator(f"{form_selector} button[type=submit]")


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form and check it worked: the browser leaves /login for the page the user's role
    opens on (accounts.permissions.LANDING_ENDPOINTS: the leader's dashboard, the legal bureau's risk queue, the
    reminders of the mediation center and of the units, the administrator's users)."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        main_form_submit(page).click()
    if "/login" in page.url:
        flashes = " ".join(page.locator(".flash").all_inner_texts())
        raise AssertionError(f"{username} could not log in: {flashes or page.url}")
    assert page.locator("form[action='/logout']").count() == 1, f"{username} is not logged in"


def logout(page) -> None:
    with page.expect_navigation():
        page.locator("header form[action='/logout'] button[type=submit]").click()
    assert "/login" in page.url


def case_numbers_listed(page) -> list[str]:
    """The 案号 in the case list table, in order (empty when the list shows no table)."""
    return [text.strip() for text in page.locator("table.cases tbody tr td:first-child a").all_inner_texts()]
