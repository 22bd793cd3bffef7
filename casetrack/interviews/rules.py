"""What a leader decides about an interview proposal (约谈建议), and when a declined one comes back. Pure."""

from __future__ import annotations

from casetrack.i18n import N_

#: 同意约谈: the legal bureau then schedules and records the interview. 暂不约谈: not now, with a reason.
DECISIONS = {"agreed": N_("Interview agreed"), "declined": N_("No interview for now")}
#: The audit trail's words for the decisions (history.ACTIONS).
ACTIONS = {"agreed": N_("agreed to an interview"), "declined": N_("declined an interview for now")}
#: What a proposal is made of, as interviews.services.Proposal counts it; a decision keeps them as they were.
GROUNDS = ("lost_cases", "overdue_items", "overdue_replies", "overdue_rectification")
MAX_REASON = 2000


def grounds_of(record) -> dict:
    """The GROUNDS of a proposal, or of a decision that kept them, by name."""
    return {name: getattr(record, name) for name in GROUNDS}


def still_declined(declined_grounds: dict, since, grounds: dict, proposal_since) -> bool:
    """A proposal declined for these cases stays declined while it rests on the same ones: the same start and no
    more lost cases or overdue items than when it was declined. One more loss, or a new overdue item, and it is
    proposed again."""
    if proposal_since != since:
        return False
    return all(grounds[name] <= declined_grounds.get(name, 0) for name in GROUNDS)
