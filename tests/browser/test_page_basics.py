"""What every page gives a person before its content (issue 11, item 8): a skip link as the first Tab stop, visible
when focused, that jumps to the main content; the app's icon, so a first load asks for nothing that is missing;
and, on a page with several forms, labels that focus their own form's input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login

pytestmark = pytest.mark.browser

#: What Tab can stop on inside the main content.
FIRST_FOCUSABLE_IN_MAIN = """() => Array.from(document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea, main [tabindex="0"]'))
    .find(el => !el.disabled && el.getClientRects().length > 0)"""


@pytest.fixture
def clerk(in_app, factories):
    with in_app():
        return factories.user(role="mediator").username


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_the_first_tab_shows_a_skip_link_that_jumps_past_the_header(page, clerk, viewport):
    page.set_viewport_size(viewport)
    login(page, clerk)
    page.goto("/cases/new")
    skip = page.locator("a.skip-link")
    expect(skip).to_have_text("跳到主要内容")
    assert not skip.evaluate("el => el.getBoundingClientRect().bottom > 0")  # out of sight until focused

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0 and box["width"] > 50 and box["height"] > 20  # on screen, readable

    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    # One more Tab and the user is in the page's own content: here the case form, past the whole menu.
    assert page.evaluate(f"document.activeElement === ({FIRST_FOCUSABLE_IN_MAIN})()")
    assert page.evaluate("document.activeElement.closest('header') === null")


def test_the_app_has_an_icon_and_a_first_load_asks_for_nothing_missing(page, clerk, live_server):
    failures, errors = [], []
    page.on(
        "response", lambda response: response.status >= 400 and failures.append(f"{response.status} {response.url}")
    )
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    login(page, clerk)
    page.goto("/dashboard")
    icons = page.locator("head link[rel=icon]").evaluate_all("links => links.map(l => l.href)")
    assert icons
    for href in icons + [f"{live_server}/favicon.ico"]:
        response = page.request.get(href)
        assert response.ok, href
        assert response.headers["content-type"].startswith("image/"), href
    # /favicon.ico, asked for by browsers and bookmarks that do not read the page, is a real Windows icon.
    assert page.request.get("/favicon.ico").body()[:4] == b"\x00\x00\x01\x00"
    assert failures == [] and errors == []


def test_each_label_on_the_hearing_page_focuses_its_own_forms_input(page, in_app, factories, yesterday):
    from casetrack.extensions import db
    from casetrack.hearings.models import Hearing

    with in_app():
        unit = factories.unit(name="甲镇人民政府")
        liaison = factories.user(role="unit", unit=unit)
        case = factories.case(kind="litigation", respondent_unit=unit, received_on=yesterday - timedelta(days=30))
        hearing = Hearing(case=case, held_on=yesterday, court="杭州市富阳区人民法院")
        db.session.add(hearing)
        db.session.flush()
        hearing_id, username = hearing.id, liaison.username
    login(page, username)
    page.goto(f"/hearings/{hearing_id}")
    # Not recorded yet and the day has passed: the page asks for the head both ways, in two forms.
    for form, label in (("#principal-form", "拟出庭负责人"), ("#appearance-form", "出庭负责人")):
        page.locator(f"{form} label", has_text=re.compile(f"^{label}$")).click()
        expect(page.locator(f"{form} input[name=principal_name]")).to_be_focused()
        page.locator(f"{form} label", has_text=re.compile("^职务$")).click()
        expect(page.locator(f"{form} select[name=principal_title]")).to_be_focused()
