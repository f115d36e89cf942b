"""Every write to articles, claims, sources and their review goes through here.

The editor pages, the API, the admin and the management commands all call
these functions, so each rule lives in one place. One module per subject:

- changes: the one way a claim changes (its version up, its history recorded),
  and the refusals of stale or frozen writes (StaleVersion, PUBLISHED_FROZEN)
- articles: importing, assigning, deleting and restoring articles
- claims: verdicts, kinds, splits and merges, assignments, comments
- sources: a claim's evidence, and the addresses it accepts
- claimants: who made a claim, where and when it appeared
- reviewing: approving, rejecting, publishing and correcting verdicts
- reuse: copying a verdict given before to the same words
- versions: a new version of an article's text, its claims re-anchored
- bulk: one action on several claims at once
- notifying: webhook deliveries queued for what happened
- recording, returning: the history INSERT and the UPDATE … RETURNING
  that changes are made of

The names below are the public functions and errors, so callers write
``services.set_verdict(...)``; the subject modules are imported as
``from annotations.services import reviewing``.
"""

from . import (
    bulk,
    claimants,
    notifying,
    recording,
    returning,
    reuse,
    reviewing,
    versions,
)
from .articles import (
    DUPLICATE_DELETED,
    RESTORE_DUPLICATE,
    TITLE_REQUIRED,
    ImportPlan,
    assign_article,
    delete_article,
    import_article,
    insert_claims,
    plan_import,
    refuse_duplicate,
    restore_article,
    save_article_fields,
    store_import,
)
from .changes import (
    CLAIM_GONE,
    PUBLISHED_FROZEN,
    STALE_VERSION,
    StaleVersion,
    change_claims,
    claim_at,
    lock_claim,
    new_verdict,
    refuse_published,
    try_write_claim,
    write_claim,
)
from .claims import (
    COMMENT_REQUIRED,
    MERGE_ACROSS_LINES,
    MERGE_LAST,
    NOT_AN_EDITOR,
    POSITION_PARKING,
    SPLIT_EMPTY,
    SPLIT_OUTSIDE,
    UNKNOWN_KIND,
    add_comment,
    assign_claim,
    edit_claim,
    merge_with_next,
    set_kind,
    set_verdict,
    split_claim,
)
from .reuse import REUSE_NEEDS_VERDICT, REUSE_SAME_CLAIM, reuse_verdict
from .sources import (
    BAD_URL,
    SOURCE_TITLE_REQUIRED,
    UNKNOWN_STANCE,
    URL_BIDI,
    URL_CREDENTIALS,
    add_source,
    clean_url,
    remove_source,
    update_source,
)

__all__ = [
    "BAD_URL",
    "CLAIM_GONE",
    "COMMENT_REQUIRED",
    "DUPLICATE_DELETED",
    "MERGE_ACROSS_LINES",
    "MERGE_LAST",
    "NOT_AN_EDITOR",
    "POSITION_PARKING",
    "PUBLISHED_FROZEN",
    "RESTORE_DUPLICATE",
    "REUSE_NEEDS_VERDICT",
    "REUSE_SAME_CLAIM",
    "SOURCE_TITLE_REQUIRED",
    "SPLIT_EMPTY",
    "SPLIT_OUTSIDE",
    "STALE_VERSION",
    "TITLE_REQUIRED",
    "UNKNOWN_KIND",
    "UNKNOWN_STANCE",
    "URL_BIDI",
    "URL_CREDENTIALS",
    "ImportPlan",
    "StaleVersion",
    "add_comment",
    "add_source",
    "assign_article",
    "assign_claim",
    "bulk",
    "change_claims",
    "claim_at",
    "claimants",
    "clean_url",
    "delete_article",
    "edit_claim",
    "import_article",
    "insert_claims",
    "lock_claim",
    "merge_with_next",
    "new_verdict",
    "notifying",
    "plan_import",
    "recording",
    "refuse_duplicate",
    "refuse_published",
    "remove_source",
    "restore_article",
    "returning",
    "reuse",
    "reuse_verdict",
    "reviewing",
    "save_article_fields",
    "set_kind",
    "set_verdict",
    "split_claim",
    "store_import",
    "try_write_claim",
    "update_source",
    "versions",
    "write_claim",
]
