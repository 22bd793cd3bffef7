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
        "This password is one of the most common ones, which are tried first; choose another."
    )


@pytest.mark.parametrize(("password", "username"), [("Fuchun-desk-2026", "FUCHUN"), ("my.zhangwei.42", "ZhangWei ")])
def test_a_password_containing_the_user_name_is_refused_whatever_its_case(password, username):
    assert validate_password(password, username) == "The password must not contain the user name."


def test_a_strong_password_passes_and_a_two_letter_user_name_is_not_looked_for():
    assert validate_password("Plain-ledger-7", "li") is None
    assert validate_password("Plain-ledger-7", "ledgerkeeper") is None
