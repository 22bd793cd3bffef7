"""Mediation (调解) rules as pure functions."""

from __future__ import annotations

from datetime import date

from casetrack import dates
from casetrack.cases import kinds
from casetrack.i18n import N_, NP_

SOURCES = {
    "pre_filing": N_("Before filing"),
    "during_review": N_("During review"),
    "during_litigation": N_("During litigation"),
    "court_entrusted": N_("Entrusted by the court"),
}
SOURCE_TERMS = {
    "诉前": "pre_filing",
    "复议中": "during_review",
    "诉讼中": "during_litigation",
    "法院委托": "court_entrusted",
}

STATUSES = {
    "open": N_("In progress"),
    "succeeded": N_("Succeeded"),
    "failed": NP_("mediation", "Failed"),
    "withdrawn": N_("Withdrawn from mediation"),
}
#: How the audit trail names a mediation's fields (a ledger import compares the stored columns).
AUDIT_FIELDS = {
    "mediation": {
        "number": N_("Mediation number"),
        "source": N_("Source"),
        "case": N_("Related case"),
        "case_id": N_("Related case"),
        "respondent_unit_id": N_("Respondent unit"),
        "session": N_("Session"),
        "status": N_("Status"),
        "received_on": N_("Received on"),
        "concluded_on": N_("Concluded on"),
    }
}
AUDIT_VALUES = {"mediation": {"source": SOURCES, "status": STATUSES}}
RESULT_TERMS = {"成功": "succeeded", "不成功": "failed", "失败": "failed", "撤回": "withdrawn"}
CLOSED_STATUSES = frozenset({"succeeded", "failed", "withdrawn"})
#: Only these count in the success rate (SPEC section 3): withdrawn ones are not concluded.
COUNTED_STATUSES = frozenset({"succeeded", "failed"})
#: Of the counted ones, the success rate's numerator.
SUCCEEDED = "succeeded"

#: Days without a session after which an open mediation is "idle" and its mediator is reminded.
IDLE_DAYS = 30

#: What a succeeded mediation may conclude its linked case as.
CASE_OUTCOMES_AFTER_SUCCESS = {code: kind.outcomes_after_mediation for code, kind in kinds.KINDS.items()}


def source_for_case_kind(kind: str | None) -> str:
    spec = kinds.kind_of(kind)
    return spec.mediation_source if spec else "pre_filing"


def close_problems(
    status: str, result: str, concluded_on: date | None, received_on: date, today: date, agreement: str
) -> list[str]:
    if status != "open":
        return [N_("This mediation is already closed.")]
    if result not in CLOSED_STATUSES:
        return [N_("Choose how the mediation ended.")]
    problems = day_problems(concluded_on, received_on, today)
    if not problems and result == "succeeded" and not agreement.strip():
        return [N_("Summarise the agreement reached.")]
    return problems


def session_problems(held_on: date | None, received_on: date, today: date, notes: str) -> list[str]:
    problems = day_problems(held_on, received_on, today)
    if not problems and not notes.strip():
        return [N_("Write what happened in the session.")]
    return problems


def day_problems(day: date | None, received_on: date, today: date) -> list[str]:
    """A day something happened in a mediation (a session, its end): given, past, and not before it began.
    The form, the services and the ledger importer all check a day with this."""
    if day is None:
        return [N_("Give the date.")]
    if problems := dates.happened_problems(day, today):
        return problems
    if day < received_on:
        return [N_("The date is before the date received.")]
    return []


def received_problems(received_on: date | None, today: date) -> list[str]:
    """The day a dispute reached the mediation centre: given and a day that has been."""
    if received_on is None:
        return [N_("The date received is required and cannot be in the future.")]
    return dates.happened_problems(received_on, today)


def search_grams(number: str, parties: str, subject: str) -> list[str]:
    from casetrack.cases.rules import search_bigrams

    return search_bigrams(" ".join([number, parties or "", subject or ""]))


def is_idle(status: str, last_activity_on: date, today: date) -> bool:
    return status == "open" and (today - last_activity_on).days >= IDLE_DAYS
