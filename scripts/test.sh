#!/usr/bin/env bash
# Every test: rules, services and views on SQLite and PostgreSQL, a real Redis and Celery worker, real SMTP,
# and Chromium through Playwright. Without CASETRACK_REQUIRE_SERVICES=1 a missing service skips its tests.
# Two xdist workers by default (CASETRACK_TEST_WORKERS): CI has two cores, and one process alone takes 12–15 min
# where two take about 9; each worker has its own databases, Celery worker and Redis keys (tests/conftest.py).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest -p no:cacheprovider -n "${CASETRACK_TEST_WORKERS:-2}" "$@"
