#!/usr/bin/env bash
# Every test: rules, services and views on SQLite and PostgreSQL, a real Redis and Celery worker, real SMTP,
# and Chromium through Playwright. Without CASETRACK_REQUIRE_SERVICES=1 a missing service skips its tests.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest -p no:cacheprovider "$@"
