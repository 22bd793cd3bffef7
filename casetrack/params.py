"""Numbers as people and scripts type them into URLs and forms, read one way everywhere. Pure."""

from __future__ import annotations

#: The largest value of a database INTEGER column (ids, counts).
INT_MAX = 2**31 - 1


def parse_id(raw) -> int | None:
    """An id or count as typed in a URL or form: ASCII digits only (str.isdigit() also takes "²"), 1..INT_MAX.
    Anything else is None: no such record, instead of an error from int() or from the database."""
    text = str(raw if raw is not None else "").strip()
    if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 1 <= value <= INT_MAX else None
