"""Every Celery task module, imported once so a worker knows every task name."""

from casetrack.cases import tasks as case_tasks  # noqa: F401
from casetrack.ledger import tasks as ledger_tasks  # noqa: F401
from casetrack.notifications import tasks as notification_tasks  # noqa: F401
from casetrack.reports import tasks as report_tasks  # noqa: F401
from casetrack.risk import tasks as risk_tasks  # noqa: F401
from casetrack.stats import tasks as stats_tasks  # noqa: F401
from casetrack.summaries import tasks as summary_tasks  # noqa: F401
from casetrack.system import tasks as system_tasks  # noqa: F401
