"""What waits for a decision, shown above the dashboard's figures: the units proposed for an interview, the
hearings of the coming two weeks whose head nobody has named, and the latest annual report built. Each part only
for those who may see it (accounts.permissions); a liaison sees its own unit's hearings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casetrack.accounts.permissions import can
from casetrack.hearings import queries as hearing_queries
from casetrack.hearings.models import Hearing
from casetrack.interviews.services import Proposal, proposals
from casetrack.reports.services import latest_stored_year

#: How far ahead the hearings without a named head are listed: two weeks, so a head can still be named in time.
DAYS_AHEAD = 14
#: Hearings listed; the rest are counted, with the calendar a click away.
HEARINGS_SHOWN = 6
#: Units proposed for an interview listed, longest waiting first; the rest are counted, the interviews page lists all.
PROPOSALS_SHOWN = 8


@dataclass(frozen=True)
class Agenda:
    #: None: the reader may not see interviews.
    proposals: list[Proposal] | None
    hearings: list[Hearing]
    hearings_total: int
    until: date
    #: The latest year whose Word report is kept (the card links that file). None: the reader may not read the
    #: reports. 0: none is built yet.
    report_year: int | None


def agenda(actor, today: date) -> Agenda:
    until = today + timedelta(days=DAYS_AHEAD)
    hearings, total = hearing_queries.awaiting_head(actor, today, until, HEARINGS_SHOWN)
    return Agenda(
        proposals=proposals(today) if can(actor, "read_interviews") else None,
        hearings=hearings,
        hearings_total=total,
        until=until,
        report_year=(latest_stored_year("docx") or 0) if can(actor, "read_reports") else None,
    )
