"""How the audit trail names its actions on screen. Domains record plain action codes; this is their wording."""

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
}
YES, NO = N_("Yes"), N_("No")
#: Comments a job writes, as codes (kept in no language), and their words.
COMMENTS = {"ledger import": N_("From a ledger import")}
#: What ``audit.services.current_source`` writes before the detail, and its words.
SOURCES = {"job": N_("Scheduled job"), "cli": N_("Command line")}
