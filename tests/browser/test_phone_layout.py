"""Phones and narrow windows (issue 11, item 7) in a real browser at 390 px: every page a role's navigation leads to
fits the screen — a wide table scrolls inside its own box, which the keyboard can reach — and no page repeats an
id; the header menu folds behind a button that opens and closes it, by mouse or keyboard, and stays open without
JavaScript; the dashboard's cards spread evenly at every width and its charts follow their box."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PASSWORD, login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROLES = ("mediator", "legal", "unit", "leader", "admin")


@pytest.fixture
def district(in_app, factories, today, yesterday):
    """A unit with a long name and one of everything the navigation leads to, as the services make them (so the
    pages carry their history): a review case received today with three applicants, a litigation case whose hearing
    was yesterday and is not recorded yet (its page shows both hearing forms), a mediation with a session, a risk
    case in the hands of its task force with an action item (which also gives the liaison a reminder). One user
    per role; the liaison belongs to the unit."""
    from casetrack.accounts.permissions import SYSTEM
    from casetrack.cases.services import register_case
    from casetrack.hearings.services import schedule_hearing
    from casetrack.mediation.services import add_session, register_mediation
    from casetrack.risk import services as risk
    from casetrack.risk.queries import risk_case_of

    with in_app():
        unit = factories.unit(name="区自然资源和规划分局")
        users = {
            role: factories.user(role=role, display_name=f"富阳区{role}工作人员") for role in ROLES if role != "unit"
        }
        users["unit"] = factories.user(role="unit", unit=unit, display_name="区自然资源和规划分局 联络员 赵静")
        applicants = [
            {"name": "杭州富春江某某建材有限公司", "id_number": "91330183MA2B3C4D5X"},
            {"name": "王建国", "id_number": "330183197805061236"},
            {"name": "李秀英", "id_number": "33018319820914411X"},
        ]
        review = register_case(
            {
                "kind": "review",
                "number": "富政复〔2026〕1088号",
                "respondent_unit_id": unit.id,
                "matter": "expropriation",
                "applicants": applicants,
                "received_on": today,
                "accepted_on": today,
                "summary": "申请人不服征收补偿决定，认为补偿标准过低，请求撤销并责令重新作出补偿决定。",
            },
            SYSTEM,
            today,
        )
        suit = register_case(
            {
                "kind": "litigation",
                "number": "（2026）浙0111行初1088号",
                "instance": "first",
                "respondent_unit_id": unit.id,
                "matter": "penalty",
                "applicants": applicants[:1],
                "received_on": today - timedelta(days=30),
                "served_on": today - timedelta(days=30),
            },
            SYSTEM,
            today,
        )
        hearing = schedule_hearing(suit, SYSTEM, held_on=yesterday, court="杭州市富阳区人民法院", courtroom="第三法庭")
        mediation = register_mediation(
            {
                "number": "富调〔2026〕1088号",
                "case": None,
                "respondent_unit_id": unit.id,
                "source": "pre_filing",
                "mediator_id": users["mediator"].id,
                "parties": "杭州富春江某某建材有限公司；区自然资源和规划分局",
                "subject": "征收补偿标准争议",
                "received_on": yesterday,
            },
            users["mediator"],
            today,
        )
        add_session(
            mediation,
            users["mediator"],
            today,
            held_on=today,
            participants="申请人代理人、区自然资源和规划分局法规科",
            notes="双方就补偿标准交换意见，约定两周内再次调解。",
        )
        risk.flag_case(review, "hand", "申请人多次信访，媒体已关注", users["legal"], today)
        risk_case = risk_case_of(review.id)
        risk.confirm(risk_case, users["legal"], legal_lead=users["legal"], unit_lead=users["unit"])
        risk.add_item(
            risk_case,
            users["legal"],
            text="补充提交征收补偿标准的测算依据和评估报告",
            side="unit",
            owner=users["unit"],
            due_on=today + timedelta(days=7),
            today=today,
        )
        import io

        from casetrack.documents.services import Upload, add_documents
        from tests.documents.helpers import pdf_bytes

        (document,) = add_documents(
            "case",
            review,
            users["legal"],
            uploads=[
                Upload(io.BytesIO(pdf_bytes(2)), "杭州富春江某某建材有限公司行政复议申请书（附件：征收补偿决定书）.pdf")
            ],
            category="application",
            given_by="杭州富春江某某建材有限公司",
        )
        from casetrack.cases.services import transition
        from casetrack.rectification.services import items_of_case
        from casetrack.suggestions.services import register_suggestion

        suggestion = register_suggestion(
            {
                "number": "杭富检行建〔2026〕1088号",
                "kind": "public_interest",
                "issuer": "杭州市富阳区人民检察院",
                "received_on": yesterday,
                "unit_ids": [unit.id],
                "case_ids": [suit.id],
                "content": "辖区内河道违法堆放建筑垃圾，损害社会公共利益，建议依法履行监管职责并书面回复。",
            },
            users["legal"],
            today,
        )
        transition(suit, "accept", SYSTEM, today, on=today - timedelta(days=29))
        transition(suit, "conclude", SYSTEM, today, on=today, outcome="ordered_to_perform")
        rectification = items_of_case(suit.id)[0]
        return {
            "usernames": {role: user.username for role, user in users.items()},
            "details": [
                f"/suggestions/{suggestion.id}",
                f"/rectification/{rectification.id}",
                f"/documents/{document.id}",
                f"/documents/case/{review.id}",
                f"/cases/{review.id}",
                f"/cases/{suit.id}",
                f"/hearings/{hearing.id}",
                f"/mediations/{mediation.id}",
                f"/risk/{risk_case.id}",
            ],
        }


def wait_until(page, expression: str, arg=None, timeout_s: float = 5.0) -> None:
    """Poll an expression through page.evaluate until it is true. Not page.wait_for_function: its polling compiles
    the predicate inside the page, which the app's Content-Security-Policy (no 'unsafe-eval') refuses."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s}s: {expression}")
        time.sleep(0.05)


def phone_page(new_page, username: str):
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, username)
    return page


def pages_to_walk(page, district, role: str) -> list[str]:
    """Every page the header links to (the menu and the reminders and password links), the pages their header
    buttons lead to (risk ledger, appearance rate, my work list, units…), and the records' own pages."""

    def links(selector: str) -> list[str]:
        hrefs = page.locator(selector).evaluate_all("els => els.map(e => e.getAttribute('href'))")
        return [href for href in hrefs if href.startswith("/") and ".xlsx" not in href and "#" not in href]

    menu = links("header a[href]")
    found = list(menu)
    for path in menu:
        page.goto(path)
        found += links("main .pagehead a[href]:not([download])")
    if role == "admin":
        found.append("/admin/reminders/")
    found += district["details"]
    return list(dict.fromkeys(found))


def layout_problems(page) -> list[str]:
    """What is wrong with the page as drawn: a page that scrolls sideways, an id used twice, a box that scrolls
    but cannot be reached by keyboard or has no name (axe's scrollable-region-focusable)."""
    return page.evaluate(
        """() => {
        const problems = [];
        const page = document.scrollingElement;
        if (page.scrollWidth > innerWidth) problems.push(`the page is ${page.scrollWidth} px wide`);
        const seen = {};
        for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
        for (const [id, n] of Object.entries(seen)) if (n > 1) problems.push(`id "${id}" is used ${n} times`);
        for (const el of document.querySelectorAll('body *')) {
            const overflow = getComputedStyle(el).overflowX;
            if (!['auto', 'scroll'].includes(overflow) || el.scrollWidth <= el.clientWidth) continue;
            const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
            if (el.tabIndex < 0 || el.getAttribute('role') !== 'region' || !named)
                problems.push(`${el.tagName}.${el.className} scrolls but is not a named, focusable region`);
        }
        return problems;
    }"""
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_roles_navigation_fits_a_phone(new_page, district, role):
    page = phone_page(new_page, district["usernames"][role])
    walked = pages_to_walk(page, district, role)
    assert len(walked) > len(district["details"]), walked  # the walk did find the menu's pages
    problems = {}
    for path in walked:
        response = page.goto(path)
        assert response.ok, f"{role} {path}: {response.status}"
        if found := layout_problems(page):
            problems[path] = found
    assert problems == {}


def test_a_wide_table_scrolls_in_its_own_box_which_the_keyboard_can_scroll(new_page, district):
    page = phone_page(new_page, district["usernames"]["legal"])
    page.goto("/cases")
    box = page.locator("main .table-scroll", has=page.locator("table.cases"))
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", "案件")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # eight columns do not fit 390 px
    box.focus()
    page.keyboard.press("ArrowRight")
    wait_until(page, "el => el.scrollLeft > 0", box.element_handle())
    assert page.evaluate("document.scrollingElement.scrollLeft") == 0  # the table moved, not the page


def test_the_phone_menu_folds_behind_a_button_that_mouse_and_keyboard_open_and_close(new_page, district):
    page = phone_page(new_page, district["usernames"]["admin"])
    button = page.locator("header button.menu-toggle")
    menu_link = page.locator("nav.mainnav a[href='/admin/users']")
    logout = page.locator("header form[action='/logout'] button")
    expect(button).to_be_visible()
    expect(button).to_have_text("菜单")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(menu_link).to_be_hidden()
    expect(logout).to_be_hidden()
    # Folded, the header is one line, not the whole menu wrapped on the screen.
    assert page.locator("header").bounding_box()["height"] < 70

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu_link).to_be_visible()
    expect(logout).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu_link).to_be_hidden()

    # By keyboard, from a fresh page: the skip link, the brand, then the button; Enter opens, Tab goes into the
    # menu, Escape folds it and leaves focus on the button, Space opens it again.
    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    expect(page.locator("nav.mainnav a").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(menu_link).to_be_hidden()
    page.keyboard.press("Space")
    expect(menu_link).to_be_visible()
    with page.expect_navigation():
        menu_link.click()
    expect(page.locator("main h1")).to_have_text("用户")


def test_a_wide_window_shows_the_whole_menu_without_a_button(page, district):
    page.set_viewport_size(DESKTOP)
    login(page, district["usernames"]["admin"])
    expect(page.locator("header button.menu-toggle")).to_be_hidden()
    expect(page.locator("nav.mainnav a[href='/admin/users']")).to_be_visible()
    expect(page.locator("header form[action='/logout'] button")).to_be_visible()


def test_without_javascript_the_phone_menu_stays_open_and_every_link_is_reachable(browser, live_server, district):
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=username]", district["usernames"]["leader"])
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        expect(page.locator("header button.menu-toggle")).to_be_hidden()  # it would do nothing
        for link in page.locator("nav.mainnav a").all() + [page.locator("#reminders-link")]:
            expect(link).to_be_visible()
        expect(page.locator("header form[action='/logout'] button")).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
        with page.expect_navigation():
            page.locator("nav.mainnav a[href='/mediations/']").click()
        expect(page.locator("main h1")).to_have_text("调解")
    finally:
        context.close()


# --- the dashboard -------------------------------------------------------------------------------------------


def card_rows(page) -> list[dict]:
    """The dashboard's cards as drawn, row by row: how many in each row and how wide the row is, from the left
    edge of its first card to the right edge of its last."""
    return page.evaluate(
        """() => {
        const rows = {};
        for (const card of document.querySelectorAll('.stat-cards > .card')) {
            const box = card.getBoundingClientRect();
            const top = Math.round(box.top);
            const row = rows[top] = rows[top] || {cards: 0, left: box.left, right: box.right};
            row.cards += 1;
            row.left = Math.min(row.left, box.left);
            row.right = Math.max(row.right, box.right);
        }
        return Object.keys(rows).sort((a, b) => a - b)
            .map(top => ({cards: rows[top].cards, width: rows[top].right - rows[top].left}));
    }"""
    )


def overlapping_chart_labels(page) -> list[str]:
    """Pairs of texts drawn over each other in any chart (legend entries, axis labels, values): each chart is SVG,
    so every label is an element with a box."""
    return page.evaluate(
        """() => {
        const clashes = [];
        for (const chart of document.querySelectorAll('main .chart')) {
            const texts = Array.from(chart.querySelectorAll('svg text'))
                .filter(t => t.textContent.trim())
                .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}))
                .filter(t => t.box.width > 0 && t.box.height > 0);
            for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
                const a = texts[i].box, b = texts[j].box;
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 1 && h > 1) clashes.push(`${chart.id}: "${texts[i].text}" over "${texts[j].text}"`);
            }
        }
        return clashes;
    }"""
    )


def wait_for_charts_drawn_at_their_width(page, width_test: str) -> None:
    """Until every chart's box passes the width test ("> 500") and ECharts draws it at that width."""
    wait_until(
        page,
        "Array.from(document.querySelectorAll('main .chart')).every(el =>"
        f" el.clientWidth {width_test} && echarts.getInstanceByDom(el).getWidth() === el.clientWidth)",
    )


def chart_widths(page) -> dict[str, list[int]]:
    """Each chart → [the width of its box, the width ECharts draws at]."""
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('main .chart')).map(el =>
            [el.id, [el.clientWidth, echarts.getInstanceByDom(el).getWidth()]]))"""
    )


def test_dashboard_cards_spread_evenly_at_every_width(page, district):
    login(page, district["usernames"]["leader"])
    page.goto("/dashboard")
    count = page.locator(".stat-cards > .card").count()
    assert count >= 6
    for width in (340, 390, 600, 760, 900, 1024, 1100, 1280, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        rows = card_rows(page)
        full = rows[0]["width"]
        assert sum(row["cards"] for row in rows) == count
        for row in rows[1:]:
            # A later row holds as many cards as the first or one fewer, and a card alone in its row spans it:
            # never four, four and one left over.
            assert row["cards"] >= rows[0]["cards"] - 1, (width, rows)
            if row["cards"] == 1 and rows[0]["cards"] > 1:
                assert abs(row["width"] - full) <= 1, (width, rows)


def test_dashboard_charts_fit_a_phone_with_no_label_over_another_and_follow_the_window(new_page, district):
    page = phone_page(new_page, district["usernames"]["leader"])
    page.goto("/dashboard")
    expect(page.locator("main .chart svg")).to_have_count(3)
    assert overlapping_chart_labels(page) == []
    # The legend of the rates chart needs two lines at this width: the plot starts below them.
    legend = page.locator("#chart-monthly-rates svg text", has_text="调解成功率")
    top_label = page.locator("#chart-monthly-rates svg text", has_text="100%")
    assert legend.bounding_box()["y"] + legend.bounding_box()["height"] < top_label.bounding_box()["y"]
    widths = chart_widths(page)
    assert all(box == drawn and box < PHONE["width"] for box, drawn in widths.values()), widths
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")

    page.set_viewport_size(DESKTOP)
    wait_for_charts_drawn_at_their_width(page, "> 500")
    assert overlapping_chart_labels(page) == []
    page.set_viewport_size(PHONE)
    wait_for_charts_drawn_at_their_width(page, "< 390")
    assert overlapping_chart_labels(page) == []
