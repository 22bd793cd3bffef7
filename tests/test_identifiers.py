"""身份证号 (GB 11643-1999) and 统一社会信用代码 (GB 32100-2015), as the register checks an applicant's."""

from datetime import date

import pytest

from casetrack import identifiers

TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # the standard's own example
        "11010519491231002x",  # a lower-case x is the same X
        "330183199001011232",
        "110105491231002",  # a first-generation card: 15 digits, no check digit
        "91350100M000100Y43",  # a credit code from a real licence
        "E12345678",  # a passport: kept as typed
    ],
)
def test_well_formed_identifiers_pass(value):
    assert identifiers.identifier_problem(value, TODAY) is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("330183199504326029", "date of birth"),  # the 32nd of April the first demo data held
        ("330183199001011234", "check digit"),
        ("330183203001011232", "date of birth"),  # born in the future
        ("33018319900101123", "18 characters"),
        ("110105491331002", "date of birth"),
        ("91330183MA2B3C4D5E", "check character"),
        ("91330183MA2B3C4D5I", "no I, O, Z, S or V"),
    ],
)
def test_mistyped_identifiers_say_what_is_wrong(value, why):
    assert why in identifiers.identifier_problem(value, TODAY)


def test_check_characters_follow_the_standards():
    assert identifiers.id_card_check("11010519491231002") == "X"
    assert identifiers.credit_code_check("91350100M000100Y4") == "3"


def test_the_demo_generates_only_valid_identifiers():
    import random

    from casetrack.demo import plan

    rng = random.Random(7)
    values = [a["id_number"] for _ in range(400) for a in plan._applicants(rng)[0]]
    assert {identifiers.identifier_problem(value, TODAY) for value in values} == {None}
    assert any(value.startswith("91") for value in values) and any(value.startswith("330183") for value in values)


def test_an_identifier_typed_full_width_is_kept_as_the_same_number():
    assert identifiers.normalized("３３０１８３１９９００１０１１２３２") == "330183199001011232"
    assert identifiers.identifier_problem("１１０１０５１９４９１２３１００２ｘ", TODAY) is None
    assert identifiers.looks_like_identifier("３３０１８３１９９００１０１１２３２")
