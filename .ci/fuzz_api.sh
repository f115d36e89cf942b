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
PORT=${FUZZ_PORT:-8765}
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

# No request-line limit: gunicorn's own (4094 bytes, answered 414) is the
# front server's business, and a too-long parameter must reach the API.
.venv/bin/gunicorn factcheck.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --limit-request-line 0 \
  --access-logfile /dev/null --error-logfile "$work/gunicorn.log" \
  2>>"$work/gunicorn.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$PORT/api/schema/" -o /dev/null && break
  sleep 0.2
done

failed=0
run() {
  echo "== schemathesis ($1)"
  local seconds=$2
  shift 2
  .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/schema/" \
    --max-examples "$EXAMPLES" --max-time "$seconds" --seed 1 \
    --request-timeout 30 --suppress-health-check all --warnings off "$@" || failed=1
}
run editor $((BUDGET * 2 / 3)) -H "Authorization: Token $token"
run anonymous $((BUDGET - BUDGET * 2 / 3))
if grep -q "Traceback" "$work/gunicorn.log"; then
  echo "The server logged a traceback during fuzzing (the first ones):" >&2
  grep -B1 -A40 "Traceback" "$work/gunicorn.log" | head -300 >&2
  exit 1
fi
exit $failed
