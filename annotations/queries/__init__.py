"""Reads shared by the editor pages, the API, the exporters and the admin, one
module per subject (``queries.foo`` names every public read):

scopes    which rows count: live, in the text, published, open, checked
articles  lists with counts, the workspace's article, versions, orphans
claims    the workspace's units, the claim panel, API and admin lists, hints
counts    the breakdown of an article's units
review    queues, the review queue, the public report
search    claims by text, rationale or source title
sources   sources with their archive or their claim
exports   the claims an export writes
jobs      an article's newest analysis, link fetches and their pages
prepared  statements compiled once per shape (the writes' hot path uses them)

Lists never load Article.text: an article can be megabytes long.
"""

from .articles import (
    article_choices,
    articles_for_api,
    articles_for_dashboard,
    articles_with_counts,
    current_version,
    orphans,
    version_text,
    versions,
    versions_listed,
    versions_with_length,
    workspace_article,
)
from .claims import (
    Unit,
    api_claims_with_orphans,
    claim_for_panel,
    claim_to_reuse,
    claims_for_api,
    claims_with_article,
    comments_of,
    corrections_of,
    editors,
    hint_counts,
    hinted_claims,
    live_claim,
    live_claims_with_orphans,
    neighbour,
    on_same_line,
    text_between,
    triage_claims,
    with_hint,
    workspace_claims,
)
from .counts import (
    progress,
    progress_of,
    unit_counts,
)
from .exports import (
    claims_for_export,
)
from .jobs import (
    fetched_page,
    latest_analysis,
    link_fetches,
)
from .review import (
    public_corrections,
    published_claims,
    queue,
    review_queue,
    unassigned_to_check,
)
from .scopes import (
    IN_TEXT,
    LIVE_CLAIM,
    OFF_CLAIM_VERDICT,
    OPEN,
    PUBLISHED,
    checked,
    live_articles,
    live_claims,
)
from .search import (
    SEARCH_TERMS,
    claims_containing,
    search_claims,
    search_results,
)
from .sources import (
    prefetch_sources,
    source_archive,
    sources_with_archive,
    sources_with_claim,
)

__all__ = [
    "IN_TEXT",
    "LIVE_CLAIM",
    "OFF_CLAIM_VERDICT",
    "OPEN",
    "PUBLISHED",
    "SEARCH_TERMS",
    "Unit",
    "api_claims_with_orphans",
    "article_choices",
    "articles_for_api",
    "articles_for_dashboard",
    "articles_with_counts",
    "checked",
    "claim_for_panel",
    "claim_to_reuse",
    "claims_containing",
    "claims_for_api",
    "claims_for_export",
    "claims_with_article",
    "comments_of",
    "corrections_of",
    "current_version",
    "editors",
    "fetched_page",
    "hint_counts",
    "hinted_claims",
    "latest_analysis",
    "link_fetches",
    "live_articles",
    "live_claim",
    "live_claims",
    "live_claims_with_orphans",
    "neighbour",
    "on_same_line",
    "orphans",
    "prefetch_sources",
    "progress",
    "progress_of",
    "public_corrections",
    "published_claims",
    "queue",
    "review_queue",
    "search_claims",
    "search_results",
    "source_archive",
    "sources_with_archive",
    "sources_with_claim",
    "text_between",
    "triage_claims",
    "unassigned_to_check",
    "unit_counts",
    "version_text",
    "versions",
    "versions_listed",
    "versions_with_length",
    "with_hint",
    "workspace_article",
    "workspace_claims",
]
