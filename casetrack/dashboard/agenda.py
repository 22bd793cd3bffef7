"""What waits for a decision, shown above the dashboard's figures: the units proposed for an interview, the
hearings of the coming two weeks whose head nobody has named, and the latest annual report built. Each part only
for those who may see it (accounts.permissions); a liaison sees its own unit's hearings.

A district leader's agenda is their morning: the proposals theirs to decide, the next 30 days' hearings still
needing a head by unit, the risk queue by unit and the "两高一低" units — the units they oversee (分管) first,
with the district's totals beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from casetrack.accounts.models import Unit
from casetrack.accounts.permissions import can
from casetrack.dashboard.rules import overseen_first
from casetrack.extensions import db
from casetrack.hearings import queries as hearing_queries
from casetrack.hearings.models import Hearing
from casetrack.interviews.services import Proposal, proposals
from casetrack.reports.services import latest_stored_year
from casetrack.risk.queries import QueueCounts, queue_by_unit, total_of

#: How far ahead the hearings without a named head are listed: two weeks, so a head can still be named in time.
DAYS_AHEAD = 14
#: Hearings listed; the rest are counted, with the calendar a click away.
HEARINGS_SHOWN = 6
#: How far ahead a leader's agenda looks for hearings needing a head: a month, time enough to see a head goes.
LEADER_DAYS_AHEAD = 30
#: Units listed in a leader's hearings and risk cards (their own units always); the rest are in the district total.
UNITS_SHOWN = 8
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
    #: A leader's agenda only (None for everyone else): the parts below.
    leader: LeaderAgenda | None = None


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    overseen: bool
    #: hearings: (number still needing a head, the soonest day); risk: QueueCounts.
    value: object


@dataclass(frozen=True)
class LeaderAgenda:
    overseen: list[Unit]
    #: Proposals without a decision yet: the leader's to decide.
    to_decide: list[Proposal]
    hearings_until: date
    hearings: list[UnitLine]
    hearings_total: int
    risk: list[UnitLine]
    risk_total: QueueCounts


def agenda(actor, today: date) -> Agenda:
    until = today + timedelta(days=DAYS_AHEAD)
    hearings, total = hearing_queries.awaiting_head(actor, today, until, HEARINGS_SHOWN)
    proposed = proposals(today) if can(actor, "read_interviews") else None
    return Agenda(
        proposals=proposed,
        hearings=hearings,
        hearings_total=total,
        until=until,
        report_year=(latest_stored_year("docx") or 0) if can(actor, "read_reports") else None,
        leader=leader_agenda(actor, today, proposed or []) if can(actor, "oversee_units") else None,
    )


def leader_agenda(actor, today: date, proposed: list[Proposal]) -> LeaderAgenda:
    overseen = list(actor.overseen)
    overseen_ids = {unit.id for unit in overseen}
    until = today + timedelta(days=LEADER_DAYS_AHEAD)
    hearings = hearing_queries.needing_a_head_by_unit(today, until)
    risk = queue_by_unit(today)
    units = _units(set(hearings) | set(risk) | overseen_ids)

    def lines(found: dict, weight) -> list[UnitLine]:
        listed = [UnitLine(units[unit_id], unit_id in overseen_ids, value) for unit_id, value in found.items()]
        ordered = overseen_first(listed, overseen_ids, lambda line: line.unit.id, lambda line: weight(line.value))
        return [line for position, line in enumerate(ordered) if line.overseen or position < UNITS_SHOWN]

    return LeaderAgenda(
        overseen=overseen,
        to_decide=overseen_first(
            [p for p in proposed if p.decision is None], overseen_ids, lambda proposal: proposal.unit.id
        ),
        hearings_until=until,
        hearings=lines(hearings, lambda value: (value[0],)),
        hearings_total=sum(count for count, _soonest in hearings.values()),
        risk=lines(risk, lambda value: (value.overdue_items, value.open)),
        risk_total=total_of(list(risk.values())),
    )


def _units(unit_ids: set[int]) -> dict[int, Unit]:
    if not unit_ids:
        return {}
    return {unit.id: unit for unit in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
