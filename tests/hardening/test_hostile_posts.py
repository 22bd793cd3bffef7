"""Issue 10, item 7: every form of the app — each rule of the real url_map that takes a POST — posted as each role
that can reach it, first as its page renders it, then with each field missing and with hostile values in each field,
answers with a page (a message, a refusal, the form again), never a server error.

The body of a form is taken from the page that shows it (tests/hardening/harvest.py), so it is the one a browser
would send. Where each form is shown is found once per test process, by opening every page of the world
(tests/hardening/world.py) as every role; each test then opens only the pages showing its own rule's forms.

The first role that reaches a rule (PREFERRED) posts every hostile value into every field; every other role that
reaches it posts the page's body and a few values (each role other ones, each into another field). Every post meets
the world as it was made: a request's commit is a flush (whatever the database refuses is still seen) followed by a
rollback. (On SQLite a savepoint's release already commits — pysqlite begins no transaction before a SAVEPOINT — so
there a post that succeeds can change the world for the next.)"""

from __future__ import annotations

import itertools

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from casetrack.accounts.throttle import MemoryCounters
from casetrack.extensions import db
from tests.conftest import Auth, csrf_token, make_app
from tests.factories import PASSWORD
from tests.hardening.harvest import MISSING, Form, forms_on
from tests.hardening.world import ROLES, fill, signed_in

ANONYMOUS = "anonymous"
#: The role posting every hostile value into every field is the first of these that reaches the rule: legal and
#: admin hold the most capabilities.
PREFERRED = ("legal", "admin", "mediator", "unit", "leader")
ACTORS = tuple(sorted((*ROLES, ANONYMOUS), key=lambda role: PREFERRED.index(role) if role in PREFERRED else 99))
HOSTILE = (
    "",
    "x" * 10_000,
    "²",
    "2147483648",
    "9" * 20,
    "-1",
    "abc",
    "9999-12-31",
    "0000-00-00",
    "\x00",
    "<script>",
)
#: How many values each role but the first posts into a rule's forms.
SAMPLED = 4
#: Also posted into fields naming records (ids, lists of ids, the version of the record): no such record.
NO_SUCH_RECORD = "999999"
#: Posted rules left out, and why.
LEFT_OUT = {
    "/api/": "the API has its own hostile-input tests (tests/api)",
}
SKIPPED = {
    "/ledger/confirm": "its form is only in the answer to an upload, never on a page; tests/ledger/test_uploads.py "
    "posts hostile upload names to it",
    "/admin/calendar/schedule/confirm": "its form is only in the answer to a schedule's preview, never on a page; "
    "tests/workdays/test_views.py posts forged, stale and overwriting confirmations to it",
    "/login/second-step": "its form is only on the way in, after a right password; "
    "tests/accounts/test_second_factor.py posts hostile codes to it",
}


def _posted_rules() -> list:
    with make_app("sqlite://").app_context() as context:
        rules = context.app.url_map.iter_rules()
        return sorted(
            {rule.rule for rule in rules if "POST" in rule.methods and not rule.rule.startswith(tuple(LEFT_OUT))}
        )


def _param(rule: str):
    reason = SKIPPED.get(rule)
    return pytest.param(rule, id=rule, marks=pytest.mark.skip(reason=reason) if reason else ())


POSTED_RULES = [_param(rule) for rule in _posted_rules()]


def rule_of(app, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path.split("?")[0], method="POST", return_rule=True)
    except Exception:  # noqa: BLE001 — an action no POST rule takes is no form of ours
        return None
    return rule.rule


def shape(form: Form) -> tuple:
    """Forms of one rule that differ only in the record they name (a row's button) are posted once."""
    words = tuple(part for part in form.action.split("?")[0].split("/") if not part.isdigit())
    return words, tuple(form.fields)


# --- where each rule's forms are -----------------------------------------------------------------------------

#: (role, page) where a form posting to a rule is shown, by rule, in the world's order; a page is (GET rule, names
#: of its records).
_WHERE: dict[str, dict[tuple[str, tuple], None]] = {}


def pages(app, world) -> list[tuple[str, tuple]]:
    """Every page of the world: each GET rule with each record of the world in its variables."""
    found = []
    for rule in app.url_map.iter_rules():
        # Downloads (export.xlsx, <year>.<fmt>) show no form.
        if "GET" not in rule.methods or rule.rule.startswith(("/static", "/api/")) or "." in rule.rule[-8:]:
            continue
        names = sorted(rule.arguments)
        if any(name not in world["ids"] for name in names):
            continue
        for chosen in itertools.product(*(world["ids"][name] for name in names)):
            found.append((rule.rule, tuple(zip(names, chosen, strict=True))))
    return found


def page_url(app, world, page) -> str:
    rule_text, chosen = page
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text and "GET" in r.methods)
    return fill(rule, {name: world["ids"][name][record] for name, record in chosen})


def where_forms_are(app, world, actors) -> dict:
    """For each rule, the pages to open as each role to find every kind of form posting to it (a page showing only
    kinds already found on an earlier page is left out: the sign-out form is on every page)."""
    if not _WHERE:
        for role, actor in actors.items():
            found = set()
            for page in pages(app, world):
                url = page_url(app, world, page)
                response = actor.client.get(url)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in forms_on(response.get_data(as_text=True), url):
                    rule = rule_of(app, form.action)
                    if rule and (rule, shape(form)) not in found:
                        found.add((rule, shape(form)))
                        _WHERE.setdefault(rule, {})[(role, page)] = None
    return _WHERE


# --- the actors ----------------------------------------------------------------------------------------------


class Actor:
    """A role's client; signed in again after a post that ended its session (logout, a password change), and
    signed out again after a post that signed the anonymous client in (the sign-in form)."""

    def __init__(self, app, world, role: str):
        self.app, self.world, self.role = app, world, role
        self.client = self._new()

    def _new(self) -> Auth:
        if self.role == ANONYMOUS:
            client = Auth(self.app.test_client())
            client.token = csrf_token(client.client, "/login")
            return client
        return signed_in(self.app, self.world["people"][self.role])

    def post(self, url: str, data: MultiDict):
        # A refused password counts against the sign-in throttle; each post starts with none counted.
        self.app.extensions["login_throttle"].counters = MemoryCounters()
        data.setlist("csrf_token", [self.client.token])
        response = self.client.client.post(url, data=data)
        location = response.headers.get("Location", "")
        signed_out = self.role != ANONYMOUS and location.startswith("/login")
        signed_in_now = self.role == ANONYMOUS and response.status_code == 302 and not location.startswith("/login")
        if signed_out or signed_in_now:
            self.client = self._new()
        return response


def reached(response, role: str) -> bool:
    """Whether a post got past the rule's guards: not refused outright, and not sent to sign in first (a signed-in
    role sent to /login was signed out by what it posted)."""
    to_login = role == ANONYMOUS and response.headers.get("Location", "").startswith("/login")
    return response.status_code not in (403, 404) and not to_login


def problem(response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code >= 400:
        body = response.get_data(as_text=True)
        if response.mimetype != "text/html" or 'class="topbar"' not in body or "Traceback" in body:
            return f"{response.status_code} is not a page"
    return None


def _shown(value) -> str:
    return "(missing)" if value is MISSING else repr(value if len(value) < 20 else f"{value[:8]}…×{len(value)}")


def values_for(form: Form, name: str) -> tuple:
    return (MISSING, *HOSTILE, *((NO_SUCH_RECORD,) if name in form.naming else ()))


def fields_to_try(shapes: dict[tuple, Form]) -> list[tuple[tuple, str]]:
    """(shape, field) pairs: each field of each kind of form once — forms of one rule for records of different
    kinds (a case edit for a review, a lawsuit, a claim) share most fields, which are tried in the first."""
    seen, found = set(), []
    for key, form in shapes.items():
        for name in form.fields:
            if (key[0], name) not in seen:
                seen.add((key[0], name))
                found.append((key, name))
    return found


def values_to_try(shapes: dict[tuple, Form], every: bool, offset: int) -> list[tuple[tuple, str, object]]:
    """(shape, field, value) to post: every value into every field, or (``every`` false) a few values, each into a
    field of its own, which move on with ``offset`` (each role tries other values in other fields)."""
    tries = fields_to_try(shapes)
    if every:
        found = []
        for key, name in tries:
            first_field = next(iter(shapes[key].fields)) == name
            # A NUL is refused before any view runs (errors.refuse_nul_characters): once per form shows that.
            found += [(key, name, v) for v in values_for(shapes[key], name) if v != "\x00" or first_field]
        return found
    values = (MISSING, *HOSTILE)
    return [
        (*tries[(offset + index) % len(tries)], values[(offset * SAMPLED + index) % len(values)])
        for index in range(SAMPLED if tries else 0)
    ]


@pytest.fixture
def cheap_passwords(world, monkeypatch):
    """argon2 at its lowest cost, for the world's users too: the password forms are posted a hundred times, and each
    post checks a password (a tenth of a second at the real cost) or makes a hash of a new one."""
    from casetrack.accounts import services
    from casetrack.accounts.models import User

    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(services, "_hasher", hasher)
    monkeypatch.setattr(services, "_DUMMY_HASH", hasher.hash("not-a-real-password"))
    db.session.execute(update(User).values(password_hash=hasher.hash(PASSWORD)))
    db.session.commit()


def forms_of(app, world, actors, rule: str) -> dict[str, dict[tuple, Form]]:
    """The forms posting to ``rule``, by role and kind, as the pages show them to each role."""
    found: dict[str, dict[tuple, Form]] = {}
    for role, page in where_forms_are(app, world, actors).get(rule, {}):
        url = page_url(app, world, page)
        for form in forms_on(actors[role].client.get(url).get_data(as_text=True), url):
            if rule_of(app, form.action) == rule:
                found.setdefault(role, {}).setdefault(shape(form), form)
    return found


def _flush_and_roll_back():
    db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("rule", POSTED_RULES)
def test_no_form_answers_a_missing_or_hostile_field_with_a_server_error(
    app, world, cheap_passwords, mailbox, monkeypatch, rule
):
    actors = {role: Actor(app, world, role) for role in ACTORS}
    forms = forms_of(app, world, actors, rule)
    assert forms, f"no page of the world shows a form posting to {rule}: add what it needs to tests/hardening/world.py"
    monkeypatch.setattr(db.session, "commit", _flush_and_roll_back)
    shapes = {key: form for by_shape in forms.values() for key, form in by_shape.items()}
    failures, first = [], None

    def post(actor, form, name=None, value=MISSING):
        try:
            response = actor.post(form.action, form.body(name, value))
        except Exception as error:  # noqa: BLE001 — the failure to report, with what caused it
            failures.append((actor.role, form.action, name, _shown(value), f"{type(error).__name__}: {error}"[:300]))
            return None
        found = problem(response)
        if found:
            failures.append((actor.role, form.action, name, _shown(value), found))
        return response

    for offset, (role, actor) in enumerate(actors.items()):
        # A role shown no form of some kind posts the one another role was shown.
        own = {key: forms.get(role, {}).get(key, form) for key, form in shapes.items()}
        answers = [post(actor, form) for form in own.values()]
        if not any(answer is not None and reached(answer, role) for answer in answers):
            continue
        first = first or role
        for key, name, value in values_to_try(own, role == first, offset):
            post(actor, own[key], name, value)
    assert first is not None, f"no role reaches {rule}"
    assert not failures, "\n".join(" | ".join(str(part) for part in failure) for failure in failures)
