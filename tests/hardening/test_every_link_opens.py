"""Issue 11, item 8: a link a page shows leads somewhere its reader may go. Every role of the world
(tests/hardening/world.py) opens every page it can open — the pages the Chinese-text test walks — and follows each
same-site link shown there, downloads included: none answers that the reader may not go there (403), that there
is nothing there (404), or with a server error. A link to what a role may not open is not shown to it (the page
asks ``can``, as the target's guard does)."""

from __future__ import annotations

import lxml.html

from casetrack.accounts.permissions import can
from tests.hardening.test_hostile_posts import page_url, pages
from tests.hardening.world import ROLES, build, signed_in

#: Links not followed: signing out ends the walk's session; static files are no page.
NOT_FOLLOWED = ("/logout", "/static/")
REFUSALS = (403, 404)


def same_site_links(html: str) -> set[str]:
    """The same-site paths a page links to, without their fragment (#proposals is the same page)."""
    found = set()
    for href in lxml.html.fromstring(html).xpath("//a/@href"):
        path = href.split("#", 1)[0]
        if path.startswith("/") and not path.startswith("//") and not path.startswith(NOT_FOLLOWED):
            found.add(path)
    return found


def links_by_role(app, world) -> dict[str, dict[str, str]]:
    """role → link → the first page showing it."""
    found = {}
    for role in ROLES:
        client = signed_in(app, world["people"][role]).client
        links: dict[str, str] = {}
        for page in pages(app, world):
            url = page_url(app, world, page)
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                for link in same_site_links(response.get_data(as_text=True)):
                    links.setdefault(link, url)
        found[role] = links
    return found


def test_no_link_shown_to_any_role_leads_to_a_refusal_or_an_error(app, factories):
    world = build(factories)
    broken = []
    followed = links_by_role(app, world)
    for role, links in followed.items():
        client = signed_in(app, world["people"][role]).client
        for link, shown_on in sorted(links.items()):
            status = client.get(link).status_code
            if status in REFUSALS or status >= 500:
                broken.append(f"{role}: {link} answers {status} (linked from {shown_on})")
    assert broken == []
    # The links a role may follow are still shown to it: the walk saw the pages, and hid nothing from everyone.
    for role in ROLES:
        assert followed[role], role
    readers = [role for role in ROLES if can(world["people"][role], "read_interviews")]
    assert readers and all("/interviews/" in followed[role] for role in readers)


def test_the_risk_queue_links_the_interview_proposals_only_for_who_may_read_them(app, factories):
    world = build(factories)
    for role in ROLES:
        client = signed_in(app, world["people"][role]).client
        shown = "/interviews/" in same_site_links(client.get("/risk/").get_data(as_text=True))
        may_open = client.get("/interviews/").status_code == 200
        assert shown == may_open == can(world["people"][role], "read_interviews"), role
