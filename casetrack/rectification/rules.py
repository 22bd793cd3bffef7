"""What follows a correction or a loss, and why cases are lost. Pure.

A review that corrects an act (行政复议法 Arts 63–67) and a judgment against the agency (行政诉讼法 Arts 70–78)
leave the unit work to do: redo the act within the period set (Art. 64 / Art. 70 "责令重新作出"), perform the duty
ordered (Art. 66 / Art. 72), pay what was awarded (Art. 76), and in every case mend the practice that produced the
act. The ruling names the redo's period where it has one; otherwise the item is due in ``DEFAULT_DUE_DAYS``.
"""

from __future__ import annotations

from datetime import date

from casetrack import dates
from casetrack.cases import kinds
from casetrack.i18n import N_

ACTIONS = {
    "redo": N_("Make the act anew (重新作出)"),
    "perform": N_("Perform the duty (履行)"),
    "compensate": N_("Pay compensation (赔偿)"),
    "system": N_("Mend the rules and practice (制度整改)"),
    "other": N_("Other"),
}
#: The work an adverse ruling leaves, by outcome: the act itself first, then the practice behind it.
ACTIONS_FOR_OUTCOME = {
    "revoked": ("redo", "system"),
    "varied": ("system",),
    "confirmed_illegal": ("system",),
    "confirmed_invalid": ("system",),
    "ordered_to_perform": ("perform", "system"),
    "compensation": ("compensate", "system"),
}
#: No statute sets one period for all of them; 60 days is the redo period most rulings give and what most units'
#: own rules (败诉案件整改制度) take. The legal bureau changes an item's date when the ruling sets another.
DEFAULT_DUE_DAYS = 60
STATES = {"open": N_("Open"), "done": N_("Done"), "cancelled": N_("No longer required")}

#: The built-in reasons, in the words of the statutory grounds (行政复议法 Art. 64, 行政诉讼法 Art. 70); the legal
#: bureau adds its own in the admin pages. Their codes are the figure registry's.
REASONS = {
    "facts_unclear": N_("Facts unclear or evidence insufficient"),
    "procedure": N_("Breach of legal procedure"),
    "wrong_law": N_("Wrong application of law"),
    "beyond_authority": N_("Beyond authority"),
    "clearly_improper": N_("Clearly improper"),
    "inaction": N_("Failure to perform a statutory duty"),
    "other": N_("Other"),
}
REASON_TERMS = {
    "facts_unclear": "事实不清、证据不足",
    "procedure": "程序违法",
    "wrong_law": "适用法律错误",
    "beyond_authority": "超越职权",
    "clearly_improper": "明显不当",
    "inaction": "不履行法定职责",
    "other": "其他",
}
OTHER = "other"


def is_adverse(kind: str | None, outcome: str | None) -> bool:
    """A review corrected, a lawsuit lost: what the correction and loss rates count (cases.kinds says which)."""
    return kinds.counts_as("corrected", kind, outcome) or kinds.counts_as("lost", kind, outcome)


def actions_for(kind: str | None, outcome: str | None) -> tuple[str, ...]:
    if not is_adverse(kind, outcome):
        return ()
    return ACTIONS_FOR_OUTCOME.get(outcome or "", ("system",))


def due_problems(due_on: date | None, today: date) -> list[str]:
    if due_on is None:
        return [N_("Give the due date.")]
    return list(dates.planned_problems(due_on, today))


def done_problems(done_on: date | None, created_on: date, evidence: str, today: date) -> list[str]:
    if done_on is None:
        return [N_("Give the date it was done.")]
    if problems := dates.happened_problems(done_on, today):
        return problems
    if not (evidence or "").strip():
        return [N_("Describe the evidence that it was done.")]
    return []


def is_overdue(state: str, due_on: date, today: date) -> bool:
    return state == "open" and due_on < today


def reason_problems(chosen_codes: list[str], other_words: str) -> list[str]:
    if not chosen_codes:
        return [N_("Choose at least one reason.")]
    if OTHER in chosen_codes and not (other_words or "").strip():
        return [N_("Say in words what the other reason is.")]
    return []


AUDIT_FIELDS = {
    "case": {"adverse_reasons": N_("Reasons lost or corrected")},
    "rectification_item": {
        "action": N_("Rectification"),
        "due_on": N_("Due date"),
        "owner": N_("Owner"),
        "done_on": N_("Done on"),
        "evidence": N_("Evidence"),
        "state": N_("State"),
        "description": N_("What must be done"),
    },
    "adverse_reason": {"label": N_("Name"), "active": N_("In use")},
}
AUDIT_VALUES = {"rectification_item": {"action": ACTIONS, "state": STATES}}
