"""Every model, imported once so the metadata is complete for Alembic (migrations build every schema, tests too)."""

from casetrack.accounts.models import ApiToken, Unit, User  # noqa: F401
from casetrack.audit.models import AuditEntry, AuditPurge  # noqa: F401
from casetrack.case_file.models import DocumentTemplate, EvidenceItem, ServiceRecord  # noqa: F401
from casetrack.cases.models import Applicant, Case, OutcomeReport  # noqa: F401
from casetrack.documents.models import Document, DocumentVersion  # noqa: F401
from casetrack.hearings.models import Hearing  # noqa: F401
from casetrack.interviews.models import Interview  # noqa: F401
from casetrack.ledger.models import LedgerImport  # noqa: F401
from casetrack.mediation.models import Mediation, MediationSession  # noqa: F401
from casetrack.notifications.models import Notification  # noqa: F401
from casetrack.rectification.models import AdverseReason, CaseAdverseReason, RectificationItem  # noqa: F401
from casetrack.reports.models import StoredReport  # noqa: F401
from casetrack.review_hearings.models import ReviewHearing  # noqa: F401
from casetrack.risk.models import ActionItem, RiskCase, RiskFlag, RiskScore, RiskSettings, TaskForceMember  # noqa: F401
from casetrack.stats.models import FigureBucket, FigureBucketState, FigureSnapshot  # noqa: F401
from casetrack.suggestions.models import Suggestion  # noqa: F401
from casetrack.summaries.models import SummarySend  # noqa: F401
from casetrack.workdays.models import CalendarYear, HolidayOverride  # noqa: F401
