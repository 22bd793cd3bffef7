"""High-risk cases (高败诉风险案件) and the double task-force cross-off workflow, as pure rules.

The score is transparent on purpose: every rule that fires says how many points it added and why, so the
legal bureau can explain a queue entry to a unit and argue with a weight rather than a black box."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from casetrack import dates
from casetrack.accounts.permissions import can
from casetrack.cases.rules import MATTERS
from casetrack.i18n import N_, Msgid

RULES = {
    "unit_loss_rate": N_("Respondent unit's loss rate over the last 12 months"),
    "matter": N_("Matter category"),
    "group_case": N_("Group case (5 or more applicants)"),
    "prior_correction": N_("A review on the same matter against this unit was corrected in the last 12 months"),
    "procedural_defect": N_("Procedural defect flagged by staff"),
    "evidence_gap": N_("Evidence gap flagged by staff"),
    "media_attention": N_("Media or public attention flagged by staff"),
}
#: Flags staff set on a case; each is a rule of the same name.
STAFF_FLAGS = ("procedural_defect", "evidence_gap", "media_attention")
#: Every flag a case can carry, by its name: the hand flag puts a case in the queue whatever its score.
FLAGS = {"hand": N_("Put in the risk queue"), **{flag: RULES[flag] for flag in STAFF_FLAGS}}
#: A matter's weight is kept under this prefix and the matter's code ("matter:penalty").
MATTER_WEIGHT = "matter:"

#: Starting weights; the legal bureau edits them (versioned) in the UI.
DEFAULT_WEIGHTS: dict[str, int] = {
    "unit_loss_rate": 60,  # points for a 100 % loss rate, proportionally less below
    "matter:expropriation": 20,
    "matter:enforcement": 15,
    "matter:information_disclosure": 10,
    "matter:inaction": 15,
    "matter:penalty": 5,
    "group_case": 20,
    "prior_correction": 15,
    "procedural_defect": 25,
    "evidence_gap": 25,
    "media_attention": 15,
}
DEFAULT_THRESHOLD = 50


@dataclass(frozen=True)
class RiskFacts:
    """What the rules look at for one open case."""

    matter: str
    applicant_count: int
    #: None when the unit concluded no first-instance litigation in the last 12 months.
    unit_loss_rate: float | None = None
    prior_correction: bool = False
    flags: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Contribution:
    rule: str
    points: int
    detail: str = ""


def score(facts: RiskFacts, weights: dict[str, int]) -> tuple[int, list[Contribution]]:
    """The case's score and each rule's contribution (rules that add nothing are left out)."""
    contributions: list[Contribution] = []
    if facts.unit_loss_rate:
        points = round(weights.get("unit_loss_rate", 0) * facts.unit_loss_rate)
        contributions.append(Contribution("unit_loss_rate", points, f"{facts.unit_loss_rate:.0%}"))
    matter_points = weights.get(f"{MATTER_WEIGHT}{facts.matter}", 0)
    if matter_points:
        contributions.append(Contribution("matter", matter_points, facts.matter))
    if facts.applicant_count >= 5:
        contributions.append(Contribution("group_case", weights.get("group_case", 0), str(facts.applicant_count)))
    if facts.prior_correction:
        contributions.append(Contribution("prior_correction", weights.get("prior_correction", 0)))
    for flag in STAFF_FLAGS:
        if flag in facts.flags:
            contributions.append(Contribution(flag, weights.get(flag, 0)))
    contributions = [c for c in contributions if c.points]
    return sum(c.points for c in contributions), contributions


def weight_words(key: str) -> tuple[str, ...]:
    """The msgids naming a weight: its rule, and for a matter's weight the matter too."""
    if key.startswith(MATTER_WEIGHT):
        matter = key.removeprefix(MATTER_WEIGHT)
        return RULES["matter"], MATTERS.get(matter, Msgid(matter))
    return (RULES.get(key, Msgid(key)),)


def detail_words(rule: str, detail: str) -> tuple[str, dict]:
    """How a contribution's detail reads, as a msgid and its params: the stored detail is a code or a bare number
    (scores are kept as computed, in no language)."""
    if rule == "matter":
        return MATTERS.get(detail, Msgid(detail)), {}
    if rule == "group_case":
        return N_("%(count)s applicants"), {"count": detail}
    if rule == "unit_loss_rate":
        return N_("loss rate %(rate)s"), {"rate": detail}
    return Msgid(detail), {}


def enters_queue(points: int, threshold: int, hand_flagged: bool) -> bool:
    """A score equal to the threshold is enough; a hand flag is enough on its own."""
    return hand_flagged or points >= threshold


def weight_problems(weights: dict, threshold) -> list[str]:
    problems = []
    for key, value in weights.items():
        if not isinstance(value, int) or not 0 <= value <= 100:
            problems.append(N_("Each weight is a whole number from 0 to 100."))
            break
        if key not in DEFAULT_WEIGHTS:
            problems.append(N_("Unknown rule."))
            break
    if not isinstance(threshold, int) or not 1 <= threshold <= 500:
        problems.append(N_("The threshold is a whole number from 1 to 500."))
    return problems


# --- the workflow -----------------------------------------------------------------------------------------------

STATES = {
    "pending_review": N_("Awaiting review"),
    "task_force": N_("Task force at work"),
    "cross_off_requested": N_("Cross-off requested"),
    "crossed_off": N_("Crossed off"),
    "dismissed": N_("Dismissed"),
}
#: States in the legal bureau's working queue; crossed-off and dismissed cases stay in the ledger only.
QUEUE_STATES = frozenset({"pending_review", "task_force", "cross_off_requested"})

#: (from state, action) → to state. The only way a risk case moves.
TRANSITIONS: dict[tuple[str, str], str] = {
    ("pending_review", "confirm"): "task_force",
    ("pending_review", "dismiss"): "dismissed",
    ("task_force", "request_cross_off"): "cross_off_requested",
    ("cross_off_requested", "approve"): "crossed_off",
    ("cross_off_requested", "send_back"): "task_force",
    ("dismissed", "reopen"): "pending_review",
}
ACTIONS = {
    "confirm": N_("Confirm and form the task force"),
    "dismiss": N_("Dismiss"),
    "request_cross_off": N_("Request cross-off"),
    "approve": N_("Approve cross-off"),
    "send_back": N_("Send back"),
    "reopen": N_("Reopen"),
}
#: What the page says once a step is done, naming the case: a task force working several cases at once must see
#: which one the step went to. The workflow's actions, then the steps on action items and flags.
DONE = {
    "confirm": N_("Risk confirmed and the task force formed: case %(number)s."),
    "dismiss": N_("Not taken into the task force: case %(number)s."),
    "request_cross_off": N_("Cross-off requested: case %(number)s."),
    "approve": N_("Crossed off: case %(number)s."),
    "send_back": N_("Sent back to the task force: case %(number)s."),
    "reopen": N_("Back under review: case %(number)s."),
    "item_added": N_("Measure added: case %(number)s, due %(due)s."),
    "item_done": N_("Measure done: case %(number)s."),
    "flagged": N_("Case %(number)s flagged (%(flag)s); its risk score is updated."),
}
#: The capability (accounts.permissions) each action needs: the legal bureau decides; both task-force sides may
#: ask for the cross-off.
ACTION_CAPABILITIES = {
    "confirm": "manage_risk",
    "dismiss": "manage_risk",
    "request_cross_off": "request_cross_off",
    "approve": "manage_risk",
    "send_back": "manage_risk",
    "reopen": "manage_risk",
}
#: Actions whose comment is required and kept.
COMMENT_REQUIRED = frozenset({"dismiss", "send_back", "reopen"})

RESOLUTIONS = {
    "mediated": N_("Settled by mediation"),
    "withdrawn": N_("Application withdrawn"),
    "won": N_("Won"),
    "corrected": N_("Corrected by the agency itself"),
    "lost_rectified": N_("Lost and rectified"),
}
SIDES = {"legal": N_("Legal-bureau task force"), "unit": N_("Unit task force")}
#: An item this many days overdue puts its unit on the interview proposals.
INTERVIEW_OVERDUE_DAYS = 15


def next_state(state: str, action: str) -> str | None:
    return TRANSITIONS.get((state, action))


def allowed_actions(state: str, actor, unit_id: int | None) -> list[str]:
    return [
        action
        for (source, action) in TRANSITIONS
        if source == state and can(actor, ACTION_CAPABILITIES[action], unit_id)
    ]


def item_day_problems(
    due_on: date | None, done_on: date | None, evidence: str, received_on: date, today: date
) -> list[str]:
    """A measure's due day, and for one recorded after the fact its day done and evidence. A measure still to do is
    due today or later; one already done may have been due on a past day, though not before the case began."""
    if due_on is None:
        return [N_("Give the due date.")]
    if problems := dates.planned_problems(due_on, today):
        return problems
    if done_on is None:
        return [N_("The due date must be today or later.")] if due_on < today else []
    if problems := dates.happened_problems(done_on, today):
        return problems
    if min(due_on, done_on) < received_on:
        return [N_("The date is before the date received.")]
    if not evidence.strip():
        return [N_("Describe the evidence that it was done.")]
    return []


def cross_off_problems(
    items: list[tuple[date | None]], resolution: str | None, rectified: bool | None = None
) -> list[str]:
    """``items``: the done dates of the case's action items; ``rectified``: whether the case's rectification items
    (after its loss) are all done, None when it has none."""
    problems = []
    if not items:
        problems.append(N_("Add at least one action item before asking for the cross-off."))
    elif any(done_on is None for done_on in items):
        problems.append(N_("Every action item must be done before the cross-off."))
    if resolution not in RESOLUTIONS:
        problems.append(N_("Choose how the risk was resolved."))
    elif resolution == "lost_rectified" and rectified is not True:
        problems.append(
            N_("“Lost and rectified” needs the case lost and every rectification item after the loss done.")
        )
    return problems


INTERVIEW_REASONS = {
    "loss": N_("Lost case"),
    "overdue_items": N_("Overdue task-force items"),
    "low_appearance": N_("Low appearance rate"),
    "overdue_reply": N_("Overdue replies to suggestions"),
    "overdue_rectification": N_("Overdue rectification after a correction or loss"),
    "other": N_("Other"),
}
#: How the audit trail names the fields this domain records, by the kind of record they are on.
AUDIT_FIELDS = {
    "case": {"risk_flag": N_("Risk flag")},
    "risk_case": {
        "state": N_("State"),
        "item": N_("Action item"),
        "legal_lead": N_("Legal-bureau lead"),
        "legal_member": N_("Legal-bureau member"),
        "unit_lead": N_("Unit lead"),
        "unit_member": N_("Unit member"),
    },
    "risk_settings": {"threshold": N_("Threshold")},
    "interview": {
        "unit": N_("Unit"),
        "reason": N_("Reason"),
        "held_on": N_("Interview date"),
        "rectified_on": N_("Rectified on"),
    },
}
AUDIT_VALUES = {
    "case": {"risk_flag": FLAGS},
    "risk_case": {"state": STATES},
    "interview": {"reason": INTERVIEW_REASONS},
}
