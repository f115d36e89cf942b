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

# The refusals no schema can foresee, let through the check that schema-valid
# requests are accepted (ST202, positive_data_acceptance): each names its
# operations and the exact answer. Any other refusal, and every other check,
# still fails the run; schemathesis counts what this drops in its summary.
cat >"$work/fuzz_hooks.py" <<'PY'
"""Schema-valid requests the API rightly refuses, though OpenAPI cannot say
why: what a request names must exist, or be in some state, in the database
(an existing username, the claim's current version, an unpublished claim, a
text not imported yet), or a rule joins two values (If-Match or `version`;
`from` before `until`)."""

import json
import re

import schemathesis

# Claim writes that take the claim's version (If-Match, or `version`).
VERSIONED = re.compile(
    r"PATCH /api/v1/claims/\{id\}/"
    r"|POST /api/v1/claims/\{id\}/"
    r"(approve|reject|publish|assign|corrections|reuse|sources)/"
    r"|(PATCH|DELETE) /api/v1/sources/\{id\}/"
)
IMPORTS = {"POST /api/v1/articles/", "POST /api/v1/articles/{id}/versions/"}
# What an uploaded file must be: a named .txt, .md or .html file of text.
FILE_CODES = {"unsupported", "binary", "undecodable", "empty", "title", "too_large"}


def foreseen(operation: str, status: int, body, case) -> bool:
    """Whether ``body`` (``status``) is one of the refusals above."""
    # Claim writes: 412, a stale version (the answer is the claim as it now
    # is); 428, no version (If-Match is a header, `version` a body field);
    # 400 "published", the demo's verdicts are published, so frozen.
    versioned = VERSIONED.fullmatch(operation)
    if versioned and (status in (412, 428) or body.get("code") == "published"):
        return True
    if status != 400:
        return False
    keys = set(body) - {"code"}
    if operation in ("GET /api/v1/claims/", "POST /api/v1/claims/{id}/assign/"):
        return keys == {"assignee"}  # no such user, or not an editor
    if operation == "POST /api/v1/claims/{id}/corrections/":
        # Only a published claim, with a change, and none pending.
        return body.get("code") in {"status", "unchanged", "pending"}
    if operation == "POST /api/v1/claims/{id}/reuse/":
        return keys == {"original"}  # it has no verdict, or is this claim
    if operation in IMPORTS:
        if body.get("code") in {"duplicate", "unchanged"}:
            return True  # the text is already imported (or the current one)
        if not (case.media_type or "").startswith("multipart/"):
            return False
        # A form sends the text or a file, one of the two, and the text a
        # title (the file may bring its own): rules across fields that the
        # form's schema leaves out, since schemathesis generates no files
        # under such a oneOf. And a file holds something.
        return body.get("code") in FILE_CODES or body.keys() in ({"text"}, {"file"})
    if operation == "GET /api/v1/articles/{id}/versions/{number}/":
        return keys == {"diff"}  # diff=true of the current version
    if operation == "GET /api/v1/search/":
        return keys == {"until"}  # `until` before `from`
    return False


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    if failure.code != "ST202":
        return True
    try:
        body = json.loads(response.content)
    except ValueError:
        return True
    if not isinstance(body, dict):
        return True
    return not foreseen(case.operation.label, response.status_code, body, case)
PY
export SCHEMATHESIS_HOOKS="$work/fuzz_hooks.py"

DEBUG=1 .venv/bin/python manage.py migrate --noinput -v0
DEBUG=1 .venv/bin/python manage.py create_demo_users >/dev/null
DEBUG=1 .venv/bin/python manage.py load_demo >/dev/null
token=$(DEBUG=1 .venv/bin/python manage.py create_api_token editor)

# No request-line limit: gunicorn's own (4094 bytes, answered 414) is the
# front server's business, and a too-long parameter must reach the API.
.venv/bin/gunicorn factcheck.wsgi --bind "127.0.0.1:$PORT" --workers 2 \
  --limit-request-line 0 \
  --access-logfile /dev/null --error-logfile "$work/gunicorn.log" &
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
    --suppress-health-check all --warnings off "$@" || failed=1
}
run editor $((BUDGET * 2 / 3)) -H "Authorization: Token $token"
run anonymous $((BUDGET - BUDGET * 2 / 3))
if grep -q "Traceback" "$work/gunicorn.log"; then
  echo "The server logged a traceback during fuzzing:" >&2
  cat "$work/gunicorn.log" >&2
  exit 1
fi
exit $failed
