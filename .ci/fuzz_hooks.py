"""Schema-valid requests the API rightly refuses, though OpenAPI cannot say
why: what a request names must exist, or be in some state, in the database
(an existing username, the claim's current version, an unpublished claim, a
text not imported yet), or a rule joins two values (If-Match or `version`;
`from` before `until`)."""

import ast
import json
import re
import threading

import schemathesis

# With --workers, hypothesis describes strategies' lambdas from several
# threads at once, each parsing source with ast.parse; Python 3.11's AST
# conversion keeps its recursion depth per interpreter, not per thread, so
# two parses at once fail with "SystemError: AST constructor recursion depth
# mismatch" (a runtime error of schemathesis, never a request). One parse at
# a time avoids it.
_parse = ast.parse
_parsing = threading.Lock()


def _one_parse_at_a_time(*args, **kwargs):
    with _parsing:
        return _parse(*args, **kwargs)


ast.parse = _one_parse_at_a_time

# Claim writes that take the claim's version (If-Match, or `version`).
VERSIONED = re.compile(
    r"PATCH /api/v1/claims/\{id\}/"
    r"|POST /api/v1/claims/\{id\}/"
    r"(approve|reject|publish|assign|corrections|reuse|sources|claimant)/"
    r"|(PATCH|DELETE) /api/v1/sources/\{id\}/"
)
IMPORTS = {"POST /api/v1/articles/", "POST /api/v1/articles/{id}/versions/"}
# What an uploaded file must be: a named .txt, .md, .html, .docx or .pdf file
# of text; a Word or PDF file readable, unencrypted, with a text layer, not a
# zip bomb; an HTML page within the parts and depth caps.
FILE_CODES = {
    "unsupported",
    "binary",
    "undecodable",
    "empty",
    "title",
    "too_large",
    "too_complex",
    "no_text",
    "encrypted",
    "unreadable",
    "zip_bomb",
}


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
    if "verdict" in keys:
        # The rating scale is data (its admin's Ratings), so the schema names
        # no enum: a verdict must be a key of the scale as it stands. The
        # other fields refused beside it are judged below.
        keys -= {"verdict"}
        if not keys:
            return True
    if operation in ("GET /api/v1/claims/", "POST /api/v1/claims/{id}/assign/"):
        return keys == {"assignee"}  # no such user, or not an editor
    if operation == "POST /api/v1/claims/{id}/corrections/":
        # Only a published claim, with a change, and none pending.
        return body.get("code") in {"status", "unchanged", "pending"}
    if operation == "POST /api/v1/claims/{id}/claimant/":
        # An appearance date after today; a role with no claimant's name.
        return keys in ({"appearance_date"}, {"name"})
    if operation == "POST /api/v1/claims/{id}/reuse/":
        return keys == {"original"}  # it has no verdict, or is this claim
    if operation in IMPORTS:
        if body.get("code") in {"duplicate", "unchanged"}:
            return True  # the text is already imported (or the current one)
        if str(body.get("code", "")).startswith("link_"):
            return True  # a link must answer with an article (fetching is off)
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
