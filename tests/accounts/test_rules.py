"""The password policy as a pure function (no app)."""

import pytest

from casetrack.accounts.rules import common_passwords, validate_password


def test_the_common_password_list_ships_with_the_package_and_holds_only_passwords_the_other_rules_let_through():
    listed = common_passwords()
    assert 1000 < len(listed) < 10_000
    assert all(len(p) >= 10 and not p.isalpha() and not p.isdigit() and p == p.lower() for p in listed)


@pytest.mark.parametrize("password", ["password12", "PASSWORD12", "Password123", "1qaz2wsx3edc", "woaini1314"])
def test_a_common_password_is_refused_whatever_its_case(password):
    assert validate_password(password, "fzj") == (
        "This password is one of the most common ones, which are tried first; choose another.",
        {},
    )


@pytest.mark.parametrize(("password", "username"), [("Fuchun-desk-2026", "FUCHUN"), ("my.zhangwei.42", "ZhangWei ")])
def test_a_password_containing_the_user_name_is_refused_whatever_its_case(password, username):
    assert validate_password(password, username) == ("The password must not contain the user name.", {})


def test_a_strong_password_passes_and_a_two_letter_user_name_is_not_looked_for():
    assert validate_password("Plain-ledger-7", "li") is None
    assert validate_password("Plain-ledger-7", "ledgerkeeper") is None


def test_the_assessors_example_is_refused_for_its_user_name():
    from casetrack.accounts.rules import validate_password as check

    assert check("zhangwei2026!", "zhangwei")[0] == "The password must not contain the user name."


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short-1A", "at least %(length)s characters"),
        ("onlylowercaseand1", "at least %(classes)s of"),  # two kinds: small letters and a digit
        ("ALLCAPS-AND-SYMBOLS", "at least %(classes)s of"),
    ],
)
def test_the_default_policy_asks_ten_characters_of_three_kinds(password, why):
    assert why in validate_password(password, "fzj")[0]


def test_a_policy_of_the_security_administrators_is_what_counts():
    from casetrack.accounts.rules import PasswordPolicy

    assert validate_password("abcdefgh12", "fzj", PasswordPolicy(min_length=8, classes=2)) is None
    assert validate_password("Abcdefgh12", "fzj", PasswordPolicy(min_length=12))[1] == {"length": 12}


def test_a_password_expires_after_the_policys_days_and_never_at_zero():
    from datetime import UTC, datetime, timedelta

    from casetrack.accounts.rules import PasswordPolicy, password_expired

    now = datetime(2026, 12, 8, tzinfo=UTC)
    assert password_expired(now - timedelta(days=91), now, PasswordPolicy(max_age_days=90))
    assert not password_expired(now - timedelta(days=89), now, PasswordPolicy(max_age_days=90))
    assert not password_expired(now - timedelta(days=9000), now, PasswordPolicy(max_age_days=0))


def test_a_session_ends_when_idle_and_after_twelve_hours():
    from casetrack.accounts.rules import session_end_reason

    assert session_end_reason(0, 0, 29 * 60, 30) is None
    assert session_end_reason(0, 0, 31 * 60, 30) == "idle"
    assert session_end_reason(0, 12 * 3600, 12 * 3600 + 1, 30) == "too_long"
    assert session_end_reason(0, 0, 11 * 3600, 0) is None
