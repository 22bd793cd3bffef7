"""Issue 10, item 7: every GET page of the real url_map, as each role, with hostile values in every query
parameter the app reads, answers without a server error (a message, a 404 or the page with the value ignored)."""

from __future__ import annotations

import pytest

from tests.hardening.world import ROLES, converter_kind, fill, login

#: Every query parameter a view reads (grep request.args / parse_*_arg in casetrack/).
PARAMETERS = (
    "applicant case_id deadline idle instance kind matter month next number overdue page per_page q reason sort "
    "source start state status unit unit_id mediator_id view year received_from received_to concluded_from "
    "concluded_to"
).split()
HOSTILE = (
    "²",
    "2147483648",
    "99999999999999999999",
    "-1",
    "9999-12-31",
    "0001-01-01",
    "\x00",
    "' OR 1=1 --%",
    "王" * 300,
)
#: Values for the path variables of a rule past the world's records: ids past a database integer, a non-ASCII digit.
PAST_THE_WORLD = {"int": "2147483648", "default": "²"}


def get_rules(app) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.rule.startswith("/static")),
        key=lambda rule: rule.rule,
    )


def urls(rule, world) -> list[str]:
    """The rule with a real record of the world in each variable (or "x" where it names none), and with values past
    it."""
    if not rule.arguments:
        return [rule.rule]
    real = {name: next(iter(world["ids"].get(name, {"": "x"}).values())) for name in rule.arguments}
    past = {name: PAST_THE_WORLD[converter_kind(rule, name)] for name in rule.arguments}
    return [fill(rule, real), fill(rule, past)]


#: The values most likely to reach int(), the database or date arithmetic; every role tries these.
SHARPEST = ("²", "2147483648", "9999-12-31")
NUMBER_PARAMETERS = ("case_id", "unit_id", "mediator_id", "page", "per_page", "year", "month")
DATE_PARAMETERS = ("start", "received_from", "received_to", "concluded_from", "concluded_to")


def server_errors(client, app, world, values) -> list:
    failures = []
    for rule in get_rules(app):
        for url in urls(rule, world):
            for value in values:
                response = client.get(url, query_string=dict.fromkeys(PARAMETERS, value))
                if response.status_code >= 500:
                    failures.append((url, repr(value[:20]), response.status_code))
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_hostile_query_values_with_a_server_error(app, login_as, world, role):
    assert server_errors(login(login_as, world, role), app, world, SHARPEST) == []


def test_no_page_answers_any_hostile_value_with_a_server_error(app, login_as, world):
    assert server_errors(login(login_as, world, "mediator"), app, world, HOSTILE) == []


def test_each_number_or_day_parameter_alone_out_of_range_is_no_server_error(app, login_as, world):
    client = login(login_as, world, "mediator")
    alone = [(name, "2147483648") for name in NUMBER_PARAMETERS] + [(name, "9999-12-31") for name in DATE_PARAMETERS]
    failures = []
    for rule in get_rules(app):
        for name, value in alone:
            response = client.get(urls(rule, world)[0], query_string={name: value})
            if response.status_code >= 500:
                failures.append((rule.rule, name, value, response.status_code))
    assert failures == []
