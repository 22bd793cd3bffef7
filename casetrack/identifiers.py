"""China's two identifiers an applicant gives: the resident ID number (公民身份号码, GB 11643-1999) and the
unified social credit code of an organisation (统一社会信用代码, GB 32100-2015). Pure functions: each answers
whether a value is well formed, with the reason when it is not.

A value that is neither — a passport or a 港澳台 travel permit, which hold letters and have lengths of their own —
is kept as typed: those documents have no check character the register could test."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from casetrack.i18n import N_

_ID_WEIGHTS = [2 ** (17 - position) % 11 for position in range(17)]
_ID_CHECKS = "10X98765432"
#: GB 32100-2015 forbids I, O, Z, S and V, which read like digits.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_DIGITS_OR_X = re.compile(r"[0-9]+[Xx]?")
_CREDIT_SHAPE = re.compile(r"[0-9A-Za-z]{18}", re.ASCII)


def normalized(value: str) -> str:
    """How an identifier is kept: without spaces, full-width characters folded (ＸＸ and １２ typed on a Chinese
    keyboard), its letters in capitals (a lower-case x is the same X)."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def id_card_check(first_17: str) -> str:
    """The 18th character of a resident ID number (ISO 7064 MOD 11-2)."""
    return _ID_CHECKS[sum(int(digit) * weight for digit, weight in zip(first_17, _ID_WEIGHTS, strict=True)) % 11]


def credit_code_check(first_17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100-2015, MOD 31)."""
    total = sum(_CREDIT_ALPHABET.index(char) * weight for char, weight in zip(first_17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _real_day(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born


def id_card_problem(value: str, today: date) -> str | None:
    """Why ``value`` (normalized) is not a resident ID number, or None. 18 characters, or the 15 digits of a
    first-generation card."""
    if len(value) == 15 and value.isdigit():
        if not _real_day(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])):
            return N_("The ID number %(value)s holds no real date of birth.")
        return None
    if len(value) != 18 or not value[:17].isdigit():
        return N_("An ID number has 18 characters (17 digits and a digit or X); %(value)s does not.")
    year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
    if not _real_day(year, month, day) or date(year, month, day) > today:
        return N_("The ID number %(value)s holds no real date of birth.")
    if id_card_check(value[:17]) != value[17]:
        return N_("The check digit of the ID number %(value)s is wrong: it has been mistyped.")
    return None


def credit_code_problem(value: str) -> str | None:
    """Why ``value`` (normalized) is not a unified social credit code, or None."""
    if not _CREDIT_SHAPE.fullmatch(value) or any(char not in _CREDIT_ALPHABET for char in value):
        return N_(
            "A unified social credit code has 18 digits and capital letters (no I, O, Z, S or V); %(value)s does not."
        )
    if credit_code_check(value[:17]) != value[17]:
        return N_("The check character of the unified social credit code %(value)s is wrong: it has been mistyped.")
    return None


def identifier_problem(value: str, today: date) -> str | None:
    """Why an applicant's identifier cannot be right, or None. Digits (with a final X) are a resident ID number;
    18 letters and digits a credit code; anything else another document, kept as it is."""
    value = normalized(value)
    if _DIGITS_OR_X.fullmatch(value):
        return id_card_problem(value, today)
    if len(value) == 18 and _CREDIT_SHAPE.fullmatch(value):
        return credit_code_problem(value)
    return None


def looks_like_identifier(value: str) -> bool:
    """Whether a search text could be a whole 身份证号 or 统一社会信用代码 (searched by its keyed hash)."""
    value = normalized(value)
    return (len(value) in (15, 18) and bool(_DIGITS_OR_X.fullmatch(value))) or bool(
        len(value) == 18 and _CREDIT_SHAPE.fullmatch(value)
    )
