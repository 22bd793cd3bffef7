"""The received and concluded date ranges that lists filter on (read from the query string by
``web.read_date_filters``)."""

from __future__ import annotations

from sqlalchemy import Select


def within_date_ranges(stmt: Select, filters, received_column, concluded_column) -> Select:
    """Narrow ``stmt`` to the filters' received_from/received_to and concluded_from/concluded_to; a bound left
    empty does not narrow."""
    for column, start, end in (
        (received_column, filters.received_from, filters.received_to),
        (concluded_column, filters.concluded_from, filters.concluded_to),
    ):
        if start:
            stmt = stmt.where(column >= start)
        if end:
            stmt = stmt.where(column <= end)
    return stmt
