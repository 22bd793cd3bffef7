"""Case rules as pure functions over plain values: vocabularies, the status machine, validation, deadlines."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from casetrack import dates, identifiers
from casetrack.accounts.permissions import can
from casetrack.cases import kinds
from casetrack.i18n import N_, params_of
from casetrack.workdays.rules import WorkCalendar

#: The kinds live in their registry; these names are what the rest of the code asks.
KINDS = kinds.KIND_LABELS
INSTANCES = kinds.INSTANCES
PROCEDURES = kinds.PROCEDURES
APPLICANT_KINDS = {"person": N_("Natural person"), "organisation": N_("Organisation")}

MATTERS = {
    "penalty": N_("Administrative penalty"),
    "enforcement": N_("Administrative compulsion"),
    "expropriation": N_("Administrative expropriation"),
    "licensing": N_("Administrative licensing"),
    "information_disclosure": N_("Government information disclosure"),
    "inaction": N_("Administrative inaction"),
    "complaint_handling": N_("Handling of reports and complaints"),
    "confirmation": N_("Administrative confirmation"),
    "other": N_("Other"),
}

#: outcome code → msgid for each kind.
OUTCOMES_BY_KIND = {code: kind.outcomes for code, kind in kinds.KINDS.items()}

#: A case's dates, the day it was received first: every other one lies between that day and today.
DATE_FIELDS = (
    "received_on",
    "accepted_on",
    "copy_sent_on",
    "answer_received_on",
    "served_on",
    "defence_filed_on",
    "declined_on",
    "concluded_on",
    "judgment_served_on",
    "appeal_decided_on",
)

#: The width of the cases' number column, which the form, the services and the ledger all hold a 案号 to.
MAX_NUMBER = 64

#: 群体性案件 from this many applicants.
GROUP_CASE_MIN_APPLICANTS = 5
#: More than any group case; keeps the count inside a database integer.
MAX_APPLICANTS = 1_000_000
#: The widths of the applicants table's columns.
MAX_APPLICANT_NAME, MAX_ID_NUMBER = 200, 32

#: 行政复议法 Art. 62: at most one extension of at most 30 days.
MAX_EXTENSION_DAYS = 30

STATUSES = {
    "received": N_("Received"),
    "correcting": N_("Awaiting correction"),
    "accepted": N_("Accepted"),
    "suspended": N_("Suspended"),
    "concluded": N_("Concluded"),
    "not_accepted": N_("Not accepted"),
    "abandoned": N_("Deemed abandoned"),
}
OPEN_STATUSES = frozenset({"received", "correcting", "accepted", "suspended"})
#: Statuses in which the clock of the pausable periods stands still (中止): no deadline of the case is due.
PAUSED_STATUSES = frozenset({"suspended"})

#: (from status, action) → to status. The only way a case changes status.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("received", "accept"): "accepted",
    ("received", "decline"): "not_accepted",
    ("received", "request_correction"): "correcting",
    ("correcting", "correction_received"): "received",
    ("correcting", "correction_abandoned"): "abandoned",
    ("accepted", "suspend"): "suspended",
    ("suspended", "resume"): "accepted",
    ("accepted", "conclude"): "concluded",
    ("concluded", "reopen"): "accepted",
    ("not_accepted", "reopen"): "received",
    ("abandoned", "reopen"): "correcting",
}
ACTIONS = {
    "accept": N_("Accept"),
    "decline": N_("Decline to accept"),
    "request_correction": N_("Request correction"),
    "correction_received": N_("Corrected material received"),
    "correction_abandoned": N_("Not corrected: deemed abandoned"),
    "suspend": N_("Suspend"),
    "resume": N_("Resume"),
    "conclude": N_("Conclude"),
    "reopen": N_("Reopen"),
    "outcome_reported": N_("Outcome reported"),
    "outcome_confirmed": N_("Outcome confirmed"),
    "outcome_returned": N_("Outcome report returned"),
    "correction_extended": N_("Correction period extended"),
    "court_date_added": N_("Court date added"),
    "court_date_done": N_("Court date done"),
    "court_date_removed": N_("Court date removed"),
    "suspension_imported": N_("Suspension imported"),
    "appeal_decided": N_("Appeal decision recorded"),
}
#: 结案报备: a unit's reported outcome waits for the legal bureau, which confirms it (the case concludes) or returns it.
OUTCOME_REPORT_STATUSES = {
    "pending": N_("Awaiting confirmation"),
    "confirmed": N_("Confirmed"),
    "returned": N_("Returned"),
}

#: Actions that need a written reason, kept in the audit trail (a suspension names its statutory ground instead).
ACTIONS_NEEDING_REASON = frozenset({"decline", "reopen"})
#: Actions that record the day they happened.
ACTIONS_NEEDING_DATE = frozenset(
    {
        "accept",
        "decline",
        "conclude",
        "request_correction",
        "correction_received",
        "correction_abandoned",
        "suspend",
        "resume",
    }
)
#: The capability (accounts.permissions) each action needs. Concluding sets the outcome the figures count, so a
#: unit reports its outcome instead (结案报备); reopening undoes a recorded result.
ACTION_CAPABILITIES = {
    "accept": "move_case",
    "decline": "move_case",
    "request_correction": "examine_application",
    "correction_received": "examine_application",
    "correction_abandoned": "examine_application",
    "suspend": "move_case",
    "resume": "move_case",
    "conclude": "conclude_case",
    "reopen": "reopen_case",
}


def next_status(status: str, action: str) -> str | None:
    return TRANSITIONS.get((status, action))


#: Actions only some kinds have: 补正 (行政复议法 Art. 31) and 中止 (the kind's statutory list).
_KIND_ACTIONS = {
    "request_correction": kinds.has_correction,
    "correction_received": kinds.has_correction,
    "correction_abandoned": kinds.has_correction,
    "suspend": kinds.can_be_suspended,
    "resume": kinds.can_be_suspended,
}


def action_applies(action: str, kind: str | None) -> bool:
    applies = _KIND_ACTIONS.get(action)
    return applies is None or applies(kind)


def allowed_actions(status: str, actor, unit_id: int | None, kind: str | None = None) -> list[str]:
    return [
        action
        for (source, action) in TRANSITIONS
        if source == status
        and (kind is None or action_applies(action, kind))
        and can(actor, ACTION_CAPABILITIES[action], unit_id)
    ]


def derive_status(accepted_on: date | None, concluded_on: date | None, declined_on: date | None = None) -> str:
    """The status a set of recorded dates implies; used when a ledger row brings a case in whole."""
    if concluded_on:
        return "concluded"
    if declined_on:
        return "not_accepted"
    if accepted_on:
        return "accepted"
    return "received"


def is_group_case(applicant_count: int | None) -> bool:
    return (applicant_count or 0) >= GROUP_CASE_MIN_APPLICANTS


@dataclass(frozen=True)
class Problem:
    field: str
    message: str  # msgid
    params: tuple = ()

    def as_params(self) -> dict:
        return dict(self.params)


def validate_case(values: dict, today: date) -> list[Problem]:
    """Every reason the case data cannot be saved. ``values`` uses the model's field names."""
    problems: list[Problem] = []
    kind = values.get("kind")
    if kind not in KINDS:
        problems.append(Problem("kind", N_("Unknown case type.")))
    number = (values.get("number") or "").strip()
    if not number:
        problems.append(Problem("number", N_("The case number is required.")))
    elif len(number) > MAX_NUMBER or len(number_key(number)) > MAX_NUMBER:
        # The key too: NFKC unfolds a few characters into several (㈠ into "(一)"), and it is stored as well.
        limit = (("limit", MAX_NUMBER),)
        problems.append(Problem("number", N_("The case number is longer than %(limit)s characters."), limit))
    if not values.get("respondent_unit_id") and not values.get("respondent_unit_name"):
        problems.append(Problem("respondent_unit_id", N_("The respondent unit is required.")))
    if values.get("matter") not in MATTERS:
        problems.append(Problem("matter", N_("Unknown matter category.")))
    spec = kinds.kind_of(kind)
    if spec is not None:
        problems += _own_field_problems(spec, values)
    count = values.get("applicant_count")
    if count is None or count < 1:
        problems.append(Problem("applicant_count", N_("There must be at least one applicant.")))
    elif count > MAX_APPLICANTS:
        problems.append(Problem("applicant_count", N_("At most %(limit)s applicants."), (("limit", MAX_APPLICANTS),)))

    received = values.get("received_on")
    if received is None:
        problems.append(Problem("received_on", N_("The date received is required.")))
    for field in (*DATE_FIELDS, "extension_approved_on"):
        day = values.get(field)
        if day is None:
            continue
        if day_problems := day_problems_of(day, today, field):
            problems += day_problems
        elif received is not None and day < received:
            problems.append(Problem(field, N_("The date is before the date received.")))
    accepted, concluded = values.get("accepted_on"), values.get("concluded_on")
    if accepted and concluded and concluded < accepted:
        problems.append(Problem("concluded_on", N_("The case cannot be concluded before it was accepted.")))

    outcome = values.get("outcome")
    if concluded and not outcome:
        problems.append(Problem("outcome", N_("A concluded case needs an outcome.")))
    if outcome and not concluded:
        problems.append(Problem("outcome", N_("An outcome can only be recorded with the date concluded.")))
    if outcome and kind in OUTCOMES_BY_KIND and outcome not in OUTCOMES_BY_KIND[kind]:
        problems.append(Problem("outcome", N_("This outcome is not possible for this type of case.")))

    extension = values.get("extension_days")
    if extension and spec is not None and spec.uses("extension_days"):
        if not 1 <= extension <= MAX_EXTENSION_DAYS:
            problems.append(Problem("extension_days", N_("An extension is at most 30 days.")))
        elif not (values.get("extension_approved_by") or "").strip():
            problems.append(Problem("extension_approved_by", N_("An extension needs the name of who approved it.")))
        elif not (values.get("extension_reason") or "").strip():
            problems.append(Problem("extension_reason", N_("An extension needs its reason.")))
    if spec is not None and spec.uses("amount_claimed_fen"):
        problems += _amount_problems(spec, values)
    if spec is not None and spec.uses("judgment_served_on"):
        problems += _judgment_problems(spec, values)
    if spec is not None and spec.uses("related_case_id"):
        problems += _relation_problems(values)
    return problems


def _judgment_problems(spec: kinds.CaseKind, values: dict) -> list[Problem]:
    """What was served and when, and what the unit decided about appealing (行政诉讼法 Art. 85)."""
    problems = []
    served, concluded = values.get("judgment_served_on"), values.get("concluded_on")
    if values.get("ruling_kind") not in (None, "", *kinds.RULING_KINDS):
        problems.append(Problem("ruling_kind", N_("The decision served is either a judgment or a ruling.")))
    if served and not concluded:
        problems.append(Problem("judgment_served_on", N_("A judgment is served once the case is concluded.")))
    elif served and served < concluded:
        problems.append(Problem("judgment_served_on", N_("The judgment cannot be served before it was given.")))
    decision, decided_on = values.get("appeal_decision"), values.get("appeal_decided_on")
    if decision in (None, "") and decided_on is None:
        return problems
    if decision not in kinds.APPEAL_DECISIONS:
        problems.append(Problem("appeal_decision", N_("Choose appeal or no appeal.")))
    if not can_decide_appeal(values.get("kind"), values.get("instance"), values.get("outcome")):
        problems.append(Problem("appeal_decision", N_("Only a lost first-instance case has an appeal to decide.")))
    if decided_on is None:
        problems.append(Problem("appeal_decided_on", N_("Give the day the appeal was decided.")))
    elif concluded and decided_on < concluded:
        problems.append(Problem("appeal_decided_on", N_("The appeal cannot be decided before the judgment.")))
    if not (values.get("appeal_approved_by") or "").strip():
        problems.append(Problem("appeal_approved_by", N_("Name who approved the decision.")))
    return problems


def can_decide_appeal(kind: str | None, instance: str | None, outcome: str | None) -> bool:
    """After losing at first instance, the respondent decides whether to appeal (上诉 / 不上诉); a second
    instance is final, and a case it won is for the plaintiff to appeal."""
    return (
        kind == kinds.LITIGATION
        and (instance or kinds.FIRST_INSTANCE) == kinds.FIRST_INSTANCE
        and kinds.counts_as("lost", kind, outcome)
    )


def may_be_followed(kind: str | None, instance: str | None, status: str | None, relation: str) -> bool:
    """Whether a case can be the earlier case of ``relation``: what the case page's 登记二审 / 登记复议后起诉 buttons
    offer. A lawsuit follows a review once it is decided; an appeal follows a first instance once it is judged."""
    rule = kinds.RELATION_RULES.get(relation)
    if rule is None or relation == "retrial":  # a 再审 is registered by hand, rarely and long after
        return False
    target_kind, target_instance = rule.target
    if kind != target_kind or (target_instance is not None and (instance or kinds.FIRST_INSTANCE) != target_instance):
        return False
    return status == "concluded"


def _relation_problems(values: dict) -> list[Problem]:
    relation, related = values.get("related_relation"), values.get("related_case_id")
    if relation in (None, "") and not related:
        return []
    if relation not in kinds.RELATIONS:
        return [Problem("related_relation", N_("Choose how this case follows the linked case."))]
    if not related:
        return [Problem("related_case_id", N_("Give the number of the linked case."))]
    own_instance = kinds.RELATION_RULES[relation].own_instance
    if own_instance is not None and (values.get("instance") or kinds.FIRST_INSTANCE) != own_instance:
        message = (
            N_("Only a second-instance case follows a first instance.")
            if own_instance == "second"
            else N_("A lawsuit after a review is a first-instance case.")
        )
        return [Problem("related_relation", message)]
    return []


def link_problems(own: dict, relation: str, target: dict | None, chain: list[int]) -> list[Problem]:
    """Whether a case (``own``: id, kind, instance) may name ``target`` (id, kind, instance) as the case it follows
    by ``relation``. ``chain`` holds the ids reached by following the target's own links, nearest first: a case
    never follows itself, directly or through others."""
    if target is None:
        return [Problem("related_case_id", N_("No case with this number exists."))]
    if own.get("id") is not None and (target["id"] == own["id"] or own["id"] in chain):
        return [Problem("related_case_id", N_("A case cannot follow itself, directly or through linked cases."))]
    rule = kinds.RELATION_RULES[relation]
    kind, instance = rule.target
    if target["kind"] != kind or (instance is not None and (target.get("instance") or "first") != instance):
        wanted = {
            "appeal": N_("The linked case of a second instance must be a first-instance litigation case."),
            "retrial": N_("The linked case of a retrial must be a second-instance litigation case."),
            "after_review": N_("The linked case of a lawsuit after review must be a review case."),
        }[relation]
        return [Problem("related_case_id", wanted)]
    return []


def relation_for_target(own_instance: str | None, target_kind: str, target_instance: str | None) -> str | None:
    """The relation a link to ``target`` can only mean (a ledger names just the number): a review is followed by
    a lawsuit, a first instance by its second, a second instance by a retrial."""
    for relation, rule in kinds.RELATION_RULES.items():
        kind, instance = rule.target
        fits_target = target_kind == kind and (instance is None or (target_instance or "first") == instance)
        fits_own = rule.own_instance is None or (own_instance or kinds.FIRST_INSTANCE) == rule.own_instance
        if fits_target and fits_own:
            return relation
    return None


#: What to say when a field is filled in for a kind that does not have it.
_NOT_FOR_THIS_KIND = {
    "instance": N_("Only litigation cases have an instance."),
    "extension_days": N_("Only review decisions can be extended."),
    "extension_reason": N_("Only review decisions can be extended."),
}


def _is_set(name: str, value) -> bool:
    # Every case row carries a procedure; only a non-default one is a choice someone made.
    return value not in (None, "", 0) and not (name == "procedure" and value == kinds.DEFAULT_PROCEDURE)


def _own_field_problems(spec: kinds.CaseKind, values: dict) -> list[Problem]:
    problems = [
        Problem(name, _NOT_FOR_THIS_KIND.get(name, N_("This field does not apply to this type of case.")))
        for name in sorted(kinds.ALL_OWN_FIELDS)
        if not spec.uses(name) and _is_set(name, values.get(name))
    ]
    if spec.uses("instance") and values.get("instance") not in INSTANCES:
        problems.append(Problem("instance", N_("The instance must be first or second.")))
    if spec.uses("procedure") and values.get("procedure", kinds.DEFAULT_PROCEDURE) not in PROCEDURES:
        problems.append(Problem("procedure", N_("Unknown procedure.")))
    return problems


def _amount_problems(spec: kinds.CaseKind, values: dict) -> list[Problem]:
    """A compensation claim states what it asks for (国家赔偿法 Art. 12); a decision to pay states how much."""
    problems = []
    claimed, granted, outcome = (
        values.get("amount_claimed_fen"),
        values.get("amount_granted_fen"),
        values.get("outcome"),
    )
    if claimed is None:
        problems.append(Problem("amount_claimed_fen", N_("Give the amount claimed.")))
    for name, amount in (("amount_claimed_fen", claimed), ("amount_granted_fen", granted)):
        if amount is not None and amount < 0:
            problems.append(Problem(name, N_("An amount cannot be negative.")))
    if granted is not None and claimed is not None and granted > claimed:
        problems.append(Problem("amount_granted_fen", N_("The amount granted is more than the amount claimed.")))
    if outcome in spec.granted and not granted:
        problems.append(Problem("amount_granted_fen", N_("Give the amount granted.")))
    if granted and outcome is None:
        problems.append(Problem("amount_granted_fen", N_("The amount granted is recorded with the outcome.")))
    elif granted and outcome not in spec.granted:
        problems.append(Problem("amount_granted_fen", N_("A refused claim grants no amount.")))
    return problems


# --- statutory deadlines -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    code: str
    label: str  # msgid
    basis: str  # the statute, shown beside the date
    due_on: date
    #: The day the step was taken; None while it is still to do.
    done_on: date | None
    #: True when the holiday schedule of a year in the period is unknown (weekends only were counted).
    estimated: bool
    #: Informational deadlines (e.g. the parties' appeal period) are shown but never "overdue" for us.
    informational: bool = False
    #: The case is closed, so a step with no date was simply not recorded: never overdue.
    case_closed: bool = False
    #: Days (working or calendar, as the period counts) added for closed suspensions: due_on includes them.
    paused_days: int = 0
    #: The case is suspended now: this period's clock stands still, and its due day is not known yet.
    suspended: bool = False
    #: What a court date is about, in the words of whoever recorded it.
    note: str = ""

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days

    def state(self, today: date, warning_days: int) -> str:
        """done | late | not_recorded | suspended | overdue | due_soon | pending | passed (informational only)."""
        if self.done_on is not None:
            return "late" if self.done_on > self.due_on else "done"
        if self.case_closed and not self.informational:
            return "not_recorded"
        if self.suspended:
            return "suspended"
        if self.informational:
            return "passed" if today > self.due_on else "pending"
        left = self.days_left(today)
        if left < 0:
            return "overdue"
        if left <= warning_days:
            return "due_soon"
        return "pending"


#: Every deadline code with its name, for lists and reminders that show a deadline without computing it.
DEADLINE_LABELS = kinds.DEADLINE_LABELS

#: The case fields compute_deadlines reads; it also reads "suspensions", "correction" and "court_dates" (see
#: with_deadline_records in cases.queries for rows read in bulk, Case.dates for one case).
DATE_RULE_FIELDS = (
    "kind",
    "status",
    "instance",
    "procedure",
    *DATE_FIELDS,
    "outcome",
    "extension_days",
)


@dataclass(frozen=True)
class Pause:
    """One 中止: from the day it was suspended up to the day it resumed (None while it lasts)."""

    suspended_on: date
    resumed_on: date | None = None


def paused_days(pauses: list[Pause], start: date, calendar: WorkCalendar, working: bool) -> int:
    """The days of closed suspensions on or after ``start`` (the day a period began): the suspended day counts,
    the day of resumption does not, since the clock runs again that day. Working days only for a working-day
    period, so a suspension over 春节 adds the working days it took, not the holiday."""
    total = 0
    for pause in pauses:
        if pause.resumed_on is None:
            continue
        first = max(pause.suspended_on, start)
        day, count = first, 0
        while day < pause.resumed_on:
            if not working or calendar.is_workday(day):
                count += 1
            day += timedelta(days=1)
        total += count
    return total


def extended_by_pauses(due: date, days: int, calendar: WorkCalendar, working: bool) -> date:
    """The due day moved by the days suspended: "the old deadline plus the suspended days", working days for a
    working-day period, calendar days otherwise (and then, as every calendar period, off a rest day)."""
    if days <= 0:
        return due
    if working:
        return calendar.add_working_days(due, days)
    return calendar.roll_forward(due + timedelta(days=days))


def _pauses_of(case: dict) -> list[Pause]:
    return [
        pause if isinstance(pause, Pause) else Pause(pause["suspended_on"], pause.get("resumed_on"))
        for pause in case.get("suspensions") or ()
    ]


def compute_deadlines(case: dict, calendar: WorkCalendar) -> list[Deadline]:
    """The statutory deadlines that apply to a case, given its recorded dates (model field names), its
    suspensions (``suspensions``: Pause or dicts), its correction request (``correction``: a dict) and the dates a
    court set (``court_dates``: dicts of kind, due_on, done_on, note), in the order of their due days."""
    deadlines: list[Deadline] = []
    closed = bool(case.get("concluded_on") or case.get("declined_on")) or case.get("status") == "abandoned"
    pauses = _pauses_of(case)
    suspended_now = any(pause.resumed_on is None for pause in pauses)

    def add(code, basis, start, due, done, informational=False, pausable=False, working=False, note=""):
        paused, suspended = 0, False
        if pausable:
            paused = paused_days(pauses, start, calendar, working)
            due = extended_by_pauses(due, paused, calendar, working)
            suspended = suspended_now and done is None
        estimated = calendar.is_estimate(start, due)
        # The appeal period starts when the case ends: the conclusion does not close it.
        shut = closed and code not in kinds.AFTER_CONCLUSION
        deadlines.append(
            Deadline(
                code, DEADLINE_LABELS[code], basis, due, done, estimated, informational, shut, paused, suspended, note
            )
        )

    kinds.deadlines_of(case, calendar, add)
    return sorted(deadlines, key=lambda d: d.due_on) if case.get("court_dates") else deadlines


def is_paused(case: dict) -> bool:
    """A suspended case has no deadline running: it stays out of overdue lists, reminders and counts."""
    return case.get("status") in PAUSED_STATUSES or any(pause.resumed_on is None for pause in _pauses_of(case))


def next_open_deadline(deadlines: list[Deadline]) -> Deadline | None:
    """The earliest deadline still to meet: what the case list's "overdue / due soon" filter is keyed on. None
    while the case is suspended: none of its deadlines is due meanwhile."""
    if any(d.suspended for d in deadlines):
        return None
    open_ones = [d for d in deadlines if d.done_on is None and not d.informational and not d.case_closed]
    return min(open_ones, key=lambda d: d.due_on, default=None)


# --- 中止 and 补正 ------------------------------------------------------------------------------------------------

#: A suspension longer than this reminds the handler: Art. 40 wants the review resumed once the cause is gone.
LONG_SUSPENSION_DAYS = 60
#: The width the reasons and items are held to.
MAX_REASON_TEXT = 2000
#: How a correction request ended.
CORRECTION_RESULTS = {"received": N_("Material received"), "abandoned": N_("Not corrected: deemed abandoned")}


def day_problems_of(day: date | None, today: date, field: str, planned: bool = False) -> list[Problem]:
    """casetrack.dates' refusals of one day, as problems of ``field``: an event must have happened, a planned day
    may lie ahead (not years ahead)."""
    if day is None:
        return []
    messages = dates.planned_problems(day, today) if planned else dates.happened_problems(day, today)
    return [Problem(field, message, tuple(params_of(message).items())) for message in messages]


def suspension_problems(
    kind: str | None,
    reason_code: str | None,
    reason_text: str,
    suspended_on: date | None,
    resumed_on: date | None,
    accepted_on: date | None,
    today: date,
) -> list[Problem]:
    """Why a suspension cannot be recorded as given: the ground must be one of the kind's statutory list ("other"
    with words), the days must have happened, and it cannot start before the case was accepted nor end before it
    began."""
    spec = kinds.kind_of(kind)
    problems: list[Problem] = []
    if spec is None or not spec.suspension_reasons:
        return [Problem("reason_code", N_("This type of case cannot be suspended."))]
    if reason_code not in spec.suspension_reasons:
        problems.append(Problem("reason_code", N_("Choose the ground for the suspension from the list.")))
    elif reason_code == kinds.OTHER_REASON and not (reason_text or "").strip():
        problems.append(Problem("reason", N_("Describe the other reason for the suspension.")))
    if len(reason_text or "") > MAX_REASON_TEXT:
        problems.append(Problem("reason", N_("At most %(limit)s characters."), (("limit", MAX_REASON_TEXT),)))
    if suspended_on is None:
        return [*problems, Problem("suspended_on", N_("Give the date."))]
    problems += day_problems_of(suspended_on, today, "suspended_on") + day_problems_of(resumed_on, today, "resumed_on")
    if accepted_on is not None and suspended_on < accepted_on:
        problems.append(Problem("suspended_on", N_("A case can be suspended only after it was accepted.")))
    if resumed_on is not None and resumed_on < suspended_on:
        problems.append(Problem("resumed_on", N_("A case cannot resume before it was suspended.")))
    return problems


def suspensions_overlap(pauses: list[Pause]) -> bool:
    """Two suspensions of one case cannot cover the same day, and only the last may still be running."""
    ordered = sorted(pauses, key=lambda pause: pause.suspended_on)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.resumed_on is None or later.suspended_on < earlier.resumed_on:
            return True
    return False


def status_after_suspensions(status: str, running: list[bool]) -> str:
    """An accepted case with a suspension still running is suspended; a suspended one whose suspensions have all
    ended runs again. Other statuses (a concluded case's past suspensions) are left as they are."""
    if status in ("accepted", "suspended"):
        return "suspended" if any(running) else "accepted"
    return status


def suspended_days_so_far(suspended_on: date, today: date) -> int:
    """Days a running suspension has lasted, the first day included: what the case page shows beside 已中止."""
    return max((today - suspended_on).days + 1, 0)


def correction_problems(
    received_on: date, notice_on: date | None, notice_received_on: date | None, items: str, today: date
) -> list[Problem]:
    """A correction notice lists what to correct, once (Art. 31: 一次性载明), and is sent after the application came
    in; the applicant receives it on or after the day it went out."""
    problems: list[Problem] = []
    if not (items or "").strip():
        problems.append(Problem("items", N_("List the items the applicant must correct.")))
    elif len(items) > MAX_REASON_TEXT:
        problems.append(Problem("items", N_("At most %(limit)s characters."), (("limit", MAX_REASON_TEXT),)))
    if notice_on is None:
        return [*problems, Problem("on", N_("Give the date."))]
    problems += day_problems_of(notice_on, today, "on")
    problems += day_problems_of(notice_received_on, today, "notice_received_on")
    if notice_on < received_on:
        problems.append(Problem("on", N_("The date is before the date received.")))
    if notice_received_on is not None and notice_received_on < notice_on:
        problems.append(Problem("notice_received_on", N_("The notice cannot be received before it was sent.")))
    return problems


def correction_notice_late(received_on: date, notice_on: date, calendar: WorkCalendar) -> bool:
    """Art. 31: the notice is due within 5 (working) days of receiving the application; a later one is still
    recorded, with a warning."""
    return notice_on > calendar.add_working_days(received_on, 5)


def correction_due(correction: dict, calendar: WorkCalendar) -> date:
    """The applicant's deadline: the extended one when granted, else 10 working days from receiving the notice."""
    notified = correction.get("notice_received_on") or correction["notice_on"]
    return correction.get("extended_to") or calendar.add_working_days(notified, kinds.CORRECTION_WORKING_DAYS)


def correction_extension_problems(current_due: date, extended_to: date | None, reason: str) -> list[Problem]:
    """Art. 31 lets the office grant a reasonable longer period when the applicant has a good reason."""
    problems: list[Problem] = []
    if extended_to is None:
        problems.append(Problem("extended_to", N_("Give the date.")))
    elif extended_to <= current_due:
        problems.append(Problem("extended_to", N_("The new deadline must be later than the current one.")))
    if not (reason or "").strip():
        problems.append(Problem("reason", N_("Give a reason; it is kept in the case history.")))
    elif len(reason) > MAX_REASON_TEXT:
        problems.append(Problem("reason", N_("At most %(limit)s characters."), (("limit", MAX_REASON_TEXT),)))
    return problems


def correction_result_problems(action: str, correction: dict, on: date | None, calendar: WorkCalendar) -> list[Problem]:
    """Material is received on or after the notice; "not corrected" only once the applicant's period has passed
    (视为放弃 is for a deadline missed without good reason)."""
    if on is None:
        return [Problem("on", N_("Give the date."))]
    if on < correction["notice_on"]:
        return [Problem("on", N_("The date is before the correction notice."))]
    if action == "correction_abandoned" and on <= correction_due(correction, calendar):
        return [Problem("on", N_("The applicant's period to correct has not passed yet."))]
    return []


# --- court-set dates ----------------------------------------------------------------------------------------

MAX_COURT_DATE_NOTE = 500


def default_evidence_deadline(served_on: date | None, calendar: WorkCalendar) -> date | None:
    """A 举证期限 the court did not date otherwise: 15 days from service of the complaint copy (Art. 67)."""
    return calendar.add_calendar_days(served_on, kinds.EVIDENCE_DAYS) if served_on else None


def court_date_problems(kind: str | None, item_kind: str | None, due_on: date | None, note: str, today: date):
    """A court date of a kind that has them, of a known kind, on a day that can be planned; "other" says what."""
    problems: list[Problem] = []
    if not kinds.has_court_dates(kind):
        return [Problem("kind", N_("Only lawsuits have dates set by a court."))]
    if item_kind not in kinds.COURT_DATE_KINDS:
        problems.append(Problem("kind", N_("Choose what the court set from the list.")))
    elif item_kind == "other" and not (note or "").strip():
        problems.append(Problem("note", N_("Say what the court set.")))
    if len(note or "") > MAX_COURT_DATE_NOTE:
        problems.append(Problem("note", N_("At most %(limit)s characters."), (("limit", MAX_COURT_DATE_NOTE),)))
    if due_on is None:
        problems.append(Problem("due_on", N_("Give the date, or the date the complaint was served on the case.")))
    else:
        problems += day_problems_of(due_on, today, "due_on", planned=True)
    return problems


# --- case numbers -------------------------------------------------------------------------------------------

#: After NFKC, the brackets a year is written in: 〔2020〕, [2020], 【2020】 and (2020) are one number.
_BRACKETS = str.maketrans(dict.fromkeys("[〔【〖〘⦅", "(") | dict.fromkeys("]〕】〗〙⦆", ")"))


def search_fold(text: str) -> str:
    """Text as search compares it: NFKC (full-width digits, letters and brackets made half-width), lower case, and
    one kind of bracket. search_text is stored folded and a search is folded the same way, so a number or name
    typed in either width finds the other with one LIKE, which the trigram index serves."""
    # Lower-casing after NFKC may leave text NFKC changes again (℃ unfolds to °C), so it is normalised twice:
    # then folding folded text changes nothing, and a key can be looked up as a number.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").lower()).translate(_BRACKETS)


@functools.lru_cache(maxsize=65536)  # an import asks for each row's key several times, and a case page for a few
def number_key(number: str) -> str:
    """What two 案号 are compared by: （２０２６）浙０１８３行初９０２号, (2026)浙0183行初902号 and
    （2026）浙0183 行初902号 are one case, typed on different keyboards: the number folded as search folds it, without
    whitespace or invisible format characters (a pasted zero-width space). The number itself is kept and shown as
    it was typed."""
    return "".join(char for char in search_fold(number) if not char.isspace() and unicodedata.category(char) != "Cf")


# --- applicants -----------------------------------------------------------------------------------------------

_ORGANISATION_MARKERS = ("公司", "厂", "合作社", "协会", "中心", "委员会", "银行", "学校", "医院", "集团", "商行", "店")
APPLICANT_SEPARATORS = "、,;，；\n"


def applicant_problems(applicants: list[dict], today: date) -> list[Problem]:
    """Names and ID numbers that do not fit what the register keeps, or cannot be right (identifiers)."""
    problems = []
    for applicant in applicants:
        if len(applicant.get("name") or "") > MAX_APPLICANT_NAME:
            limit = (("limit", MAX_APPLICANT_NAME),)
            problems.append(
                Problem("applicants", N_("An applicant's name is longer than %(limit)s characters."), limit)
            )
        if len(applicant.get("id_number") or "") > MAX_ID_NUMBER:
            limit = (("limit", MAX_ID_NUMBER),)
            problems.append(Problem("applicants", N_("An ID number is longer than %(limit)s characters."), limit))
        elif applicant.get("id_number") and (wrong := identifiers.identifier_problem(applicant["id_number"], today)):
            problems.append(Problem("applicants", wrong, (("value", applicant["id_number"]),)))
    return problems


def guess_applicant_kind(name: str, id_number: str | None) -> str:
    if id_number and len(id_number) == 18 and id_number[:17].isdigit():
        return "person"
    if any(marker in name for marker in _ORGANISATION_MARKERS):
        return "organisation"
    return "person"


def split_applicant_names(cell: str) -> list[str]:
    """A ledger cell may list several applicants: 张三、李四; 王五."""
    names, current = [], ""
    for char in cell:
        if char in APPLICANT_SEPARATORS:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [name.strip() for name in names if name.strip()]


def parse_applicant_lines(text: str) -> list[dict]:
    """The form's applicant box: one applicant a line, the name then optionally the ID number."""
    applicants = []
    for line in text.splitlines():
        parts = line.replace(",", " ").replace("，", " ").split()
        if not parts:
            continue
        id_number = parts[-1] if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) else None
        id_number = id_number and identifiers.normalized(id_number)
        name = " ".join(parts[:-1] if id_number else parts)
        applicants.append({"name": name, "id_number": id_number, "kind": guess_applicant_kind(name, id_number)})
    return applicants


def search_bigrams(text: str) -> list[str]:
    """The distinct two-character pieces of ``text`` that hold a Chinese (non-ASCII) character.

    PostgreSQL's trigram index cannot serve a two-character search, and most Chinese names are two or three
    characters; a GIN index over these pieces can."""
    grams = {
        token[start : start + 2]
        for token in text.lower().split()
        if not token.isascii()
        for start in range(len(token) - 1)
    }
    return sorted(gram for gram in grams if not gram.isascii())


def search_text(number: str, applicant_names: list[str], unit_name: str, summary: str) -> str:
    """What free-text search matches, folded (search_fold); a number with spaces inside has its key too."""
    key = number_key(number)
    numbers = [number] if key == search_fold(number) else [number, key]
    return search_fold(" ".join([*numbers, *applicant_names, unit_name, summary or ""]))


def derived_fields(values: dict, applicant_names: list[str], unit_name: str, calendar: WorkCalendar) -> dict:
    """What the list filters on, from a case's plain values (model field names, status included): the next open
    deadline and the search text. One definition for the ORM save and the ledger's bulk write."""
    running = values.get("status") in OPEN_STATUSES and not is_paused(values)
    deadline = next_open_deadline(compute_deadlines(values, calendar)) if running else None
    text = search_text(values["number"], applicant_names, unit_name, values.get("summary", ""))
    return {
        "next_deadline_on": deadline.due_on if deadline else None,
        "next_deadline_code": deadline.code if deadline else None,
        "search_text": text,
        "search_grams": search_bigrams(text),
    }


# --- the ledger's Chinese terms (SPEC section 4), fixed by the contract rather than by the UI language -------

KIND_TERMS = kinds.KIND_TERMS
INSTANCE_TERMS = kinds.INSTANCE_TERMS
MATTER_TERMS = {
    "行政处罚": "penalty",
    "行政强制": "enforcement",
    "行政征收": "expropriation",
    "行政许可": "licensing",
    "政府信息公开": "information_disclosure",
    "行政不作为": "inaction",
    "举报投诉处理": "complaint_handling",
    "行政确认": "confirmation",
    "其他": "other",
}
OUTCOME_TERMS_BY_KIND = {code: kind.outcome_terms for code, kind in kinds.KINDS.items()}


def term_for(terms: dict[str, str], code: str | None) -> str:
    """The ledger's Chinese term for a code (the reverse of a *_TERMS mapping)."""
    for term, value in terms.items():
        if value == code:
            return term
    return code or ""


# --- respondent units: the main respondent and its co-defendants (行政诉讼法 Art 26) ---------------------------

RESPONDENT_ROLES = kinds.RESPONDENT_ROLES
RESPONDENT_ROLE_TERMS = kinds.RESPONDENT_ROLE_TERMS
#: Co-defendants a case may name besides its main respondent: more would be a data-entry accident.
MAX_CO_RESPONDENTS = 20


def co_respondent_problems(kind: str | None, main_unit_id: int | None, entries: list[tuple[int, str]]) -> list[Problem]:
    """What is wrong with a case's further respondent units, given as (unit id, role) pairs."""
    spec = kinds.kind_of(kind)
    roles = spec.respondent_roles if spec else ()
    problems, seen = [], set()
    if len(entries) > MAX_CO_RESPONDENTS:
        problems.append(
            Problem("co_respondents", N_("Name at most %(limit)s co-defendants."), (("limit", MAX_CO_RESPONDENTS),))
        )
    for unit_id, role in entries:
        if role not in roles:
            name = RESPONDENT_ROLES.get(role, role)
            problems.append(
                Problem("co_respondents", N_("A co-defendant of this case cannot be a %(role)s."), (("role", name),))
            )
        if unit_id == main_unit_id:
            problems.append(Problem("co_respondents", N_("The respondent unit is already a respondent of the case.")))
        elif unit_id in seen:
            problems.append(Problem("co_respondents", N_("A unit is named twice as co-defendant.")))
        seen.add(unit_id)
    return problems


@dataclass(frozen=True)
class PriorReview:
    """A concluded or open review a lawsuit may follow (复议后起诉), as plain values."""

    number: str
    respondent_unit_id: int
    applicant_names: frozenset[str]
    outcome: str | None
    kind: str = kinds.REVIEW
    #: The registration names this review as the one the lawsuit follows; then it decides alone.
    linked: bool = False


@dataclass(frozen=True)
class ProposedRespondent:
    unit_id: int
    role: str
    #: The number of the upheld review that makes it a co-defendant, shown with the proposal.
    because_of: str


def proposed_codefendants(
    kind: str | None,
    respondent_unit_id: int | None,
    applicant_names,
    reviews,
    review_body_unit_id: int | None,
    named_unit_ids=(),
) -> list[ProposedRespondent]:
    """行政诉讼法 Art 26(2): when a review body upheld (维持) the act a lawsuit is about, the agency that made it and
    the review body are co-defendants. A lawsuit names the review it follows (``linked``), or failing that it is
    taken to follow a review of the same respondent unit by one of the same applicants. Proposes the review body
    (the district government) unless it is already a respondent of the case."""
    spec = kinds.kind_of(kind)
    if spec is None or not spec.follows_review or review_body_unit_id is None or respondent_unit_id is None:
        return []
    if review_body_unit_id == respondent_unit_id or review_body_unit_id in set(named_unit_ids):
        return []
    reviews = list(reviews)
    linked = [review for review in reviews if review.linked]
    names = {name.strip() for name in applicant_names if name and name.strip()}
    followed = linked or [
        review
        for review in reviews
        if review.respondent_unit_id == respondent_unit_id and names & set(review.applicant_names)
    ]
    for review in followed:
        if kinds.counts_as("upholds_act", review.kind, review.outcome):
            return [ProposedRespondent(review_body_unit_id, kinds.REVIEW_BODY, review.number)]
    return []


CO_RESPONDENT_SEPARATORS = "、,;，；\n"


def split_unit_names(cell: str) -> list[str]:
    """The ledger's 共同被告 cell: unit names separated by 、 (or a comma or semicolon, as applicants are)."""
    names = [cell]
    for separator in CO_RESPONDENT_SEPARATORS:
        names = [part for name in names for part in name.split(separator)]
    return [name.strip() for name in names if name.strip()]


def ledger_role(kind: str | None, unit_kind: str | None) -> str:
    """The role of a co-defendant the ledger names (by name only): the district government in a lawsuit is the
    review body (Art 26(2)); any other unit made the act with the respondent (Art 26(4))."""
    spec = kinds.kind_of(kind)
    if spec is not None and kinds.REVIEW_BODY in spec.respondent_roles and unit_kind == kinds.REVIEW_BODY_UNIT_KIND:
        return kinds.REVIEW_BODY
    return kinds.ORIGINAL_ACT


def respondents_text(entries: list[tuple[str, str]]) -> str:
    """How the audit trail keeps a case's co-defendants: 单位甲(review_body)、单位乙(other), roles as codes so the
    entry reads in any language (history.py names them)."""
    return "、".join(f"{name}({role})" for name, role in entries)


# --- how the audit trail names case fields and values -----------------------------------------------------

FIELD_LABELS = {
    "handler_id": N_("Handler"),
    "number": N_("Case number (案号)"),
    "kind": N_("Type"),
    "instance": N_("Instance"),
    "procedure": N_("Procedure"),
    "respondent_unit_id": N_("Respondent unit"),
    "applicant_count": N_("Number of applicants"),
    "applicants": N_("Applicants / plaintiffs"),
    "applicant_id_numbers": N_("Applicants' ID numbers"),
    "matter": N_("Matter"),
    "summary": N_("Summary"),
    "status": N_("Status"),
    "received_on": N_("Received on"),
    "accepted_on": N_("Accepted / filed on"),
    "copy_sent_on": N_("Copy sent to respondent on"),
    "answer_received_on": N_("Answer received on"),
    "served_on": N_("Complaint served on"),
    "defence_filed_on": N_("Defence filed on"),
    "declined_on": N_("Declined on"),
    "concluded_on": N_("Concluded on"),
    "outcome": N_("Outcome"),
    "extension_days": N_("Extension (days)"),
    "extension_approved_by": N_("Extension approved by"),
    "extension_approved_on": N_("Extension approved on"),
    "extension_reason": N_("Reason for the extension"),
    "suspended_on": N_("Suspended on"),
    "resumed_on": N_("Resumed on"),
    "suspension_reason": N_("Ground for the suspension"),
    "correction_notice_on": N_("Correction notice sent on"),
    "correction_notice_received_on": N_("Correction notice received on"),
    "correction_items": N_("Items to correct"),
    "correction_extended_to": N_("Correction period extended to"),
    "correction_result": N_("Result of the correction request"),
    "correction_result_on": N_("Correction result on"),
    "court_date_kind": N_("Court date"),
    "court_date_due_on": N_("Court date on"),
    "court_date_note": N_("About the court date"),
    "court_date_done_on": N_("Court date done on"),
    "amount_claimed_fen": N_("Amount claimed (yuan)"),
    "amount_granted_fen": N_("Amount granted (yuan)"),
    "judgment_served_on": N_("Judgment or ruling served on"),
    "ruling_kind": N_("Judgment or ruling"),
    "appeal_decision": N_("Appeal decision"),
    "appeal_decided_on": N_("Appeal decided on"),
    "appeal_approved_by": N_("Appeal decision approved by"),
    "related_case_id": N_("Linked case"),
    "related_relation": N_("Link"),
    "co_respondents": N_("Co-defendants"),
}
#: Coded fields whose stored value is shown by its name.
FIELD_VALUE_NAMES = {
    "kind": KINDS,
    "instance": INSTANCES,
    "procedure": PROCEDURES,
    "matter": MATTERS,
    "status": STATUSES,
    "outcome": kinds.ALL_OUTCOMES,
    "ruling_kind": kinds.RULING_KINDS,
    "appeal_decision": kinds.APPEAL_DECISIONS,
    "related_relation": kinds.RELATIONS,
    "suspension_reason": kinds.ALL_SUSPENSION_REASONS,
    "correction_result": CORRECTION_RESULTS,
    "court_date_kind": kinds.COURT_DATE_KINDS,
}
#: The same, by the kind of record (audit entity type): what history.py reads.
AUDIT_FIELDS = {"case": FIELD_LABELS}
AUDIT_VALUES = {"case": FIELD_VALUE_NAMES}
