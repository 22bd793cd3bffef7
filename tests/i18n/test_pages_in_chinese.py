"""Every page every role can open reads in Chinese: no code (``unit_lead``, ``matter:penalty``, ``hand``) and no
untranslated English in its text, titles, labels or buttons. The pages are the hostile-input tests' world
(tests/hardening/world.py): a record behind every URL variable, in every state a page shows differently, with
audit entries of many kinds in the histories."""

from __future__ import annotations

import re

import lxml.html
from sqlalchemy import select

from casetrack.accounts.models import User
from casetrack.extensions import db
from tests.hardening.test_hostile_posts import page_url, pages
from tests.hardening.world import ROLES, build, signed_in

#: Latin words a Chinese page may show: product and file-format names, and the switcher's own name of English.
ALLOWED = frozenset(
    {"casetrack", "Excel", "Word", "JSON", "Markdown", "API", "UTF", "GBK", "csv", "xlsx", "English", "chinese"}
    | {"calendar", "PDF", "ID"}
    # The case file's file types and sizes, and the files' own names (答辩状.pdf).
    | {"JPEG", "PNG", "GIF", "TIFF", "BMP", "ODF", "ZIP", "KB", "MB", "SHA"}
    | {"pdf", "jpg", "png", "gif", "tif", "bmp", "doc", "docx", "xls", "odt", "zip"}
    # Group robots: the platforms' own words for the address and the 加签 secret's prefix; a mail's HTML part.
    | {"Webhook", "SEC", "HTML"}
)
_LATIN = re.compile(r"[A-Za-z][A-Za-z_]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: Where technical text is meant to be shown as it is: commands, sheet names, a job's name.
_TECHNICAL = ("code", "kbd", "samp")
_SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def shown_texts(html: str):
    """The text a reader sees or hears: element text, titles, labels, placeholders and button captions."""
    tree = lxml.html.fromstring(html)
    for hidden in tree.xpath("//script|//style|//noscript|" + "|".join(f"//{tag}" for tag in _TECHNICAL)):
        hidden.drop_tree()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        yield from (text for text in (element.text, element.tail) if text and text.strip())
        yield from (element.get(name) for name in _SHOWN_ATTRIBUTES if element.get(name))
        if element.tag == "input" and element.get("type") in ("submit", "button", "reset") and element.get("value"):
            yield element.get("value")


def latin_words(text: str, data_words: set[str]) -> list[str]:
    text = _EMAIL.sub(" ", text)
    return [word for word in _LATIN.findall(text) if word not in ALLOWED and word not in data_words]


def _data_words() -> set[str]:
    """Words the world's users typed themselves (user names, display names): data, shown as it was entered."""
    words = set()
    for user in db.session.scalars(select(User)):
        words |= set(_LATIN.findall(f"{user.username} {user.display_name or ''}"))
    return words


def test_no_page_of_any_role_shows_english_or_a_code_in_chinese(app, factories):
    world = build(factories)
    data_words = _data_words()
    found: dict[str, set[str]] = {}
    opened = 0
    for role in ROLES:
        if role not in world["people"]:
            continue
        client = signed_in(app, world["people"][role]).client
        for page in pages(app, world):
            url = page_url(app, world, page)
            response = client.get(url, headers={"Accept-Language": "zh-CN"})
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            opened += 1
            for text in shown_texts(response.get_data(as_text=True)):
                for word in latin_words(text, data_words):
                    found.setdefault(f"{role} {page[0]}", set()).add(f"{word} in {text.strip()[:60]!r}")
    assert opened > 100, f"only {opened} pages opened: the world or the roles changed"
    assert found == {}


def test_the_sign_in_page_is_in_chinese_too(client):
    html = client.get("/login").get_data(as_text=True)
    assert [word for text in shown_texts(html) for word in latin_words(text, set())] == []


def test_the_check_finds_a_code_and_english_but_not_data_or_product_names():
    html = (
        "<main><p title='unit_lead'>案由：征收</p><button>Save</button><p>导出Excel</p>"
        "<p>li@example.gov.cn</p><code>flask users token</code><p>张三 wang</p></main>"
    )
    words = [word for text in shown_texts(html) for word in latin_words(text, {"wang"})]
    assert words == ["unit_lead", "Save"]
