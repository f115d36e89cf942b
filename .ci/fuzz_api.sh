#!/usr/bin/env bash
# Fuzz the REST API from its own OpenAPI schema with schemathesis: as an editor
# (token) and anonymously, against gunicorn on a throwaway database holding
# the demo. Every default check must hold: no server error, answers and status
# codes as documented, schema-valid requests accepted, invalid ones refused.
# Bounded: --max-examples per operation, and FUZZ_SECONDS for both runs
# together (schemathesis repeats its fuzzing until a run's budget is spent):
# two thirds for the editor, who reaches every write, a third anonymously.
# Any failed check fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."

EXAMPLES=${FUZZ_EXAMPLES:-15}
BUDGET=${FUZZ_SECONDS:-240}
RUNSERVER_BUDGET=${FUZZ_RUNSERVER_SECONDS:-150}
PORT=${FUZZ_PORT:-8765}
RUNSERVER_PORT=${FUZZ_RUNSERVER_PORT:-8766}
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/fuzz.sqlite3"
export SECRET_KEY="fuzz-only-$(date +%s)"
export ALLOWED_HOSTS=127.0.0.1
export API_ANON_RATE=1000000/minute
# Imports from links and source archiving would fetch whatever address the
# fuzzer makes up: nothing leaves this machine.
export FETCH_ENABLED=0

# The refusals no schema can foresee, let through the check that schema-valid
# requests are accepted (ST202, positive_data_acceptance): each names its
# operations and the exact answer. Any other refusal, and every other check,
# still fails the run; schemathesis counts what this drops in its summary.
export SCHEMATHESIS_HOOKS=.ci/fuzz_hooks.py

DEBUG=1 .venv/bin/python manage.py migrate --noinput -v0
DEBUG=1 .venv/bin/python manage.py create_demo_users >/dev/null
DEBUG=1 .venv/bin/python manage.py load_demo >/dev/null
token=$(DEBUG=1 .venv/bin/python manage.py create_api_token editor)
# The runserver's database: the same demo, untouched by the first runs.
.venv/bin/python -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' \
  "$work/fuzz.sqlite3" "$work/runserver.sqlite3"

# No request-line limit: gunicorn's own (4094 bytes, answered 414) is the
# front server's business, and a too-long parameter must reach the API.
.venv/bin/gunicorn factcheck.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --limit-request-line 0 \
  --access-logfile /dev/null --error-logfile "$work/gunicorn.log" \
  2>>"$work/gunicorn.log" &
server=$!
runserver=
trap 'kill $server $runserver 2>/dev/null || true; rm -rf "$work"' EXIT
wait_for() {
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$1/api/schema/" -o /dev/null && return 0
    sleep 0.2
  done
}
wait_for "$PORT"

failed=0
run() {
  echo "== schemathesis ($1)"
  local port=$2 seconds=$3
  shift 3
  .venv/bin/schemathesis run "http://127.0.0.1:$port/api/schema/" \
    --max-examples "$EXAMPLES" --max-time "$seconds" --seed 1 \
    --request-timeout 30 --suppress-health-check all --warnings off "$@" || failed=1
}
# A traceback, or SQLite refusing a write, in a server's log fails the run.
check_log() {
  if grep -q -e "Traceback" -e "database is locked" "$1"; then
    echo "The server logged an error during fuzzing (the first ones):" >&2
    grep -B1 -A40 -e "Traceback" -e "database is locked" "$1" | head -300 >&2
    failed=1
  fi
}
run editor "$PORT" $((BUDGET * 2 / 3)) -H "Authorization: Token $token"
run anonymous "$PORT" $((BUDGET - BUDGET * 2 / 3))
kill $server 2>/dev/null || true
check_log "$work/gunicorn.log"

DATABASE_URL="sqlite:///$work/runserver.sqlite3" DEBUG=1 \
  .venv/bin/python manage.py runserver "127.0.0.1:$RUNSERVER_PORT" --noreload \
  >"$work/runserver.log" 2>&1 &
runserver=$!
wait_for "$RUNSERVER_PORT"
run "make run's runserver, 4 workers" "$RUNSERVER_PORT" "$RUNSERVER_BUDGET" \
  --workers 4 -H "Authorization: Token $token"
check_log "$work/runserver.log"
exit $failed
