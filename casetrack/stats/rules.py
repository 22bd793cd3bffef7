"""Arithmetic of the figures (SPEC section 3): rates, year-on-year changes, rounding. Pure."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: Decimal | float, places: int = 2) -> float:
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def rate_pct(numerator: int, denominator: int) -> float | None:
    """numerator / denominator as a percentage, half-up to 2 decimals; None ("no figure") for a zero denominator."""
    if not denominator:
        return None
    return round_half_up(Decimal(numerator) * 100 / Decimal(denominator))


def change_pct(current: int, previous: int) -> float | None:
    """Year-on-year change of a count, in percent; None when the previous period had none."""
    if not previous:
        return None
    return round_half_up(Decimal(current - previous) * 100 / Decimal(previous))


def change_pp(current_rate: float | None, previous_rate: float | None) -> float | None:
    """Change of a rate in percentage points, from the rounded rates as published."""
    if current_rate is None or previous_rate is None:
        return None
    return round_half_up(Decimal(str(current_rate)) - Decimal(str(previous_rate)))
