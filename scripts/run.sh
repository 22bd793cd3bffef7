#!/usr/bin/env bash
# Serve casetrack with demo data on $HOST:$PORT. With a Redis on 127.0.0.1:6379 (or CASETRACK_BROKER_URL set)
# the Celery worker and beat start too; without one, background jobs run inline.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=casetrack
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

if [ -z "${CASETRACK_BROKER_URL:-}" ] && $BIN/python -c "import redis,sys; redis.Redis(socket_timeout=1).ping()" 2>/dev/null; then
  export CASETRACK_BROKER_URL=redis://127.0.0.1:6379/0
fi

$BIN/flask db upgrade
$BIN/flask seed-demo

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ -n "${CASETRACK_BROKER_URL:-}" ]; then
  mkdir -p instance
  $BIN/celery -A worker worker --loglevel=INFO --concurrency=2 >instance/worker.log 2>&1 & pids+=($!)
  $BIN/celery -A worker beat --loglevel=INFO --schedule=instance/celerybeat-schedule >instance/beat.log 2>&1 & pids+=($!)
  echo "worker and beat started (logs in instance/worker.log, instance/beat.log)"
else
  echo "no Redis reachable: background jobs run inline, no scheduled jobs"
fi

echo "casetrack on http://$HOST:$PORT/  (log in with a demo user above)"
$BIN/gunicorn --config config/gunicorn.conf.py --bind "$HOST:$PORT" --access-logfile - 'casetrack:create_app()'
