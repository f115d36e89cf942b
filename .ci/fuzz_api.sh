#!/usr/bin/env bash
# Fuzz the REST API from its own OpenAPI schema with schemathesis: once as an
# editor (token) and once anonymously, against gunicorn on a throwaway
# database holding the demo. Bounded: --max-examples per operation, and a time
# budget per run. Any failed check fails CI.
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

DEBUG=1 .venv/bin/python manage.py migrate --noinput -v0
DEBUG=1 .venv/bin/python manage.py create_demo_users >/dev/null
DEBUG=1 .venv/bin/python manage.py load_demo >/dev/null
token=$(DEBUG=1 .venv/bin/python manage.py create_api_token editor)

.venv/bin/gunicorn factcheck.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --access-logfile /dev/null --error-logfile "$work/gunicorn.log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do
  curl -sf "http://127.0.0.1:$PORT/api/schema/" -o /dev/null && break
  sleep 0.2
done

run() {
  echo "== schemathesis ($1)"
  shift
  .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/schema/" \
    --max-examples "$EXAMPLES" --max-time "$BUDGET" --seed 1 \
    --suppress-health-check all --warnings off "$@"
}
run editor -H "Authorization: Token $token"
run anonymous
if grep -q "Traceback" "$work/gunicorn.log"; then
  echo "The server logged a traceback during fuzzing:" >&2
  cat "$work/gunicorn.log" >&2
  exit 1
fi
