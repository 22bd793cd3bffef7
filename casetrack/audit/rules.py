"""How the audit trail names its actions on screen. Domains record plain action codes; this is their wording."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives import hashes

from casetrack.clock import as_utc
from casetrack.i18n import N_

ACTION_LABELS = {
    "created": N_("Created"),
    "reasons_coded": N_("Reasons lost or corrected coded"),
    "done": N_("Done"),
    "cancelled": N_("No longer required"),
    "updated": N_("Edited"),
    "imported": N_("Imported from the ledger"),
    "hearing_scheduled": N_("Hearing scheduled"),
    "hearing_imported": N_("Hearing imported from the ledger"),
    "principal_named": N_("Head named"),
    "appearance_recorded": N_("Appearance recorded"),
    "absence_approved": N_("Absence approved"),
    "review_hearing_scheduled": N_("Hearing (听证) scheduled"),
    "review_hearing_notice_recorded": N_("Hearing (听证) notice recorded"),
    "review_attendance_recorded": N_("Attendance at the hearing (听证) recorded"),
    "session_logged": N_("Session logged"),
    "closed": N_("Closed"),
    "risk_flagged": N_("Risk flag set"),
    "risk_unflagged": N_("Risk flag removed"),
    "task_force_formed": N_("Task force formed"),
    "item_added": N_("Action item added"),
    "item_done": N_("Action item done"),
    "activated": N_("Activated"),
    "deactivated": N_("Deactivated"),
    "password_reset": N_("Password reset"),
    "logged_in": N_("Logged in"),
    "login_failed": N_("Failed login"),
    "logged_out": N_("Logged out"),
    "password_changed": N_("Password changed by the user"),
    "token_issued": N_("API token issued"),
    "token_revoked": N_("API token revoked"),
    "rectified": N_("Rectification done"),
    "report_built": N_("Annual report built"),
    "resend_requested": N_("Sent again by an administrator"),
    "summary_test_sent": N_("Test copy of a summary sent"),
    "deleted": N_("Deleted"),
    "schedule_entered": N_("Year's schedule entered"),
    "completed": N_("Marked complete"),
    "reopened": N_("Reopened"),
    "document_added": N_("Document added to the file"),
    "document_replaced": N_("Document replaced by a new version"),
    "document_withdrawn": N_("Document withdrawn from the file"),
    "evidence_added": N_("Added to the evidence list"),
    "evidence_removed": N_("Removed from the evidence list"),
    "service_recorded": N_("Service recorded"),
    "service_withdrawn": N_("Service record struck out"),
    "template_replaced": N_("Template replaced"),
    "template_reverted": N_("Shipped template restored"),
    "exported": N_("Exported to Excel"),
    "downloaded": N_("File downloaded"),
    "personal_data_viewed": N_("ID numbers shown unmasked"),
    "purged": N_("Entries past the retention period purged"),
    "timed_out": N_("Signed out for inactivity or the 12-hour limit"),
    "second_factor_enrolled": N_("Second factor set up"),
    "second_factor_reset": N_("Second factor reset by the security administrator"),
    "second_factor_removed": N_("Second factor turned off by the user"),
    "recovery_code_used": N_("Signed in with a recovery code"),
}
#: The audit trail's own fields (a purge), for history.FIELDS.
AUDIT_FIELDS = {"audit": {"before": N_("Written before")}}
AUDIT_VALUES: dict = {}
#: How the auditor's page names the kinds of record an entry is about.
RECORD_KINDS = {
    "case": N_("Case (the record)"),
    "user": N_("User"),
    "unit": N_("Unit"),
    "login": N_("Login under an unknown name"),
    "file": N_("File handed out"),
    "personal_data": N_("Applicants' ID numbers of a case"),
    "audit": N_("Audit trail"),
    "mediation": N_("Mediation"),
    "risk_case": N_("Risk case"),
    "risk_settings": N_("Risk scoring rules"),
    "interview": N_("Interview"),
    "interview_decision": N_("Interview decision"),
    "suggestion": N_("Suggestion"),
    "rectification_item": N_("Rectification item"),
    "adverse_reason": N_("Reason lost or corrected"),
    "holiday_override": N_("Holiday calendar day"),
    "calendar_year": N_("Holiday calendar year"),
    "document_template": N_("Document template"),
    "summary_target": N_("Group robot"),
    "annual_report": N_("Annual report"),
    "security_policy": N_("Password and session policy"),
}
#: Entries that record a reading, not a change: who saw unmasked personal data, took a file, signed in or out. A
#: refused change writes none of the others.
ACCESS_ACTIONS = frozenset(
    {"personal_data_viewed", "exported", "downloaded", "logged_in", "logged_out", "login_failed", "timed_out"}
)
YES, NO = N_("Yes"), N_("No")
#: Comments a job writes, as codes (kept in no language), and their words.
COMMENTS = {"ledger import": N_("From a ledger import")}
#: What ``audit.services.current_source`` writes before the detail, and its words.
SOURCES = {"job": N_("Scheduled job"), "cli": N_("Command line")}


# --- the hash chain -----------------------------------------------------------------------------------------
#
# Each entry, once its transaction commits, carries a place in one sequence (``seq``), the hash of the entry before
# it and its own hash over its content and that one: changing an entry changes its hash, and removing one breaks the
# sequence, so ``flask audit verify`` finds either. The hash names its algorithm ("sm3:…", "sha256:…"), so a
# deployment that moves from SHA-256 to SM3 keeps its older entries verifiable.

#: The hash the first entry (or the first after a purge without predecessor) follows.
GENESIS = "genesis"
HASH_ALGORITHMS = ("sha256", "sm3")
#: What the hash covers, in this order: everything an entry says.
CHAINED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "source",
    "entity_type",
    "entity_id",
    "action",
    "field",
    "before",
    "after",
    "comment",
)
#: 网络安全法 Art. 21: network logs are kept for at least six months. Nothing younger may be purged.
MIN_RETENTION_DAYS = 180


def _canonical(value) -> object:
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    return value


def entry_digest(entry: dict, previous: str, algorithm: str) -> str:
    """The hash of an entry (a mapping of CHAINED_FIELDS) following ``previous``, as "algorithm:hex"."""
    payload = json.dumps(
        [previous, *(_canonical(entry[name]) for name in CHAINED_FIELDS)], ensure_ascii=False, separators=(",", ":")
    ).encode()
    if algorithm == "sm3":
        digest = hashes.Hash(hashes.SM3())
        digest.update(payload)
        return "sm3:" + digest.finalize().hex()
    if algorithm == "sha256":
        return "sha256:" + hashlib.sha256(payload).hexdigest()
    raise ValueError(f"unknown audit hash {algorithm!r}")


def algorithm_of(digest: str) -> str:
    return digest.partition(":")[0]


@dataclass(frozen=True)
class Break:
    """Where a chain stops being what it was: the entry (by id and place) and what is wrong with it."""

    seq: int | None
    entry_id: int | None
    problem: str  # changed | missing | outside


def first_break(entries, previous: str, expected_seq: int) -> tuple[Break | None, str, int]:
    """Walk ``entries`` (mappings with id, seq, prev_hash, entry_hash and CHAINED_FIELDS, in seq order) from the
    chain's state (the hash and the place the next entry must have). Returns the first break, or None, and the
    state after the walk, so a long trail is checked a batch at a time."""
    for entry in entries:
        if entry["seq"] != expected_seq:
            return Break(expected_seq, None, "missing"), previous, expected_seq
        if not _intact(entry, previous):
            return Break(entry["seq"], entry["id"], "changed"), previous, expected_seq
        previous, expected_seq = entry["entry_hash"], expected_seq + 1
    return None, previous, expected_seq


def _intact(entry, previous: str) -> bool:
    try:
        digest = entry_digest(entry, previous, algorithm_of(entry["entry_hash"] or ""))
    except ValueError:  # a hash naming no algorithm: written by hand
        return False
    return entry["prev_hash"] == previous and digest == entry["entry_hash"]
