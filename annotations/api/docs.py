"""What the OpenAPI schema says about each operation: summaries,
descriptions, examples and answers, so each view reads in one screen."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)

from ..services import versions
from . import serializers as api
from .schema import (
    ERRORS,
    IF_MATCH,
    LIST_ERRORS,
    READ_ERRORS,
    VERSIONED,
)
from .serializers import MAX_ID

ARTICLES = extend_schema_view(
    list=extend_schema(
        summary="List articles",
        description="Newest first, with claim counts per verdict. Cursor-paginated.",
        parameters=[
            OpenApiParameter(
                "q", str, examples=[OpenApiExample("Title", value="英伟达")]
            )
        ],
        responses={200: api.ArticleSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="An article with its full text",
        description="`text` is the stored text every claim offset refers to.",
        responses={200: api.ArticleDetailSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary="Import an article",
        description=(
            "Same service and rules as the browser and `manage.py import_article`: "
            "the text is split into claims. Send JSON with `text`, or multipart "
            "with `file` (.txt, .md, .html, .docx, .pdf; text in UTF-8 or "
            "GB18030/GBK), or only `url` to fetch the article from that link "
            "(its title, site, date and main text are extracted; the page is "
            "kept as fetched). A link is fetched within this request, bounded "
            "by FETCH_TIMEOUT and the import size limit (the browser's import "
            "page queues a fetch job instead); the article's analysis is "
            "queued (`analysis_job`). Refused with 400 and nothing stored when empty, "
            "binary, undecodable, too large, a PDF without a text layer, a link "
            "that does not answer with an article (`code` starts with `link_`) "
            "or already imported (the message names the existing article)."
        ),
        request={
            "application/json": api.ArticleTextImportInput,
            "multipart/form-data": api.ArticleImportInput,
        },
        responses={201: api.ArticleDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Paste text",
                value={
                    "title": "Nexusflow joins NVIDIA",
                    "url": "https://news.example.org/nexusflow",
                    "publisher": "Example News",
                    "published_on": "2025-06-30",
                    "text": "Nexusflow was founded in 2023. It raised $10.6M.",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Duplicate refused",
                value={
                    "text": ['This text is already imported as article 1 ("Seed").'],
                    "code": "duplicate",
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
    version_list=[
        extend_schema(
            methods=["POST"],
            summary="Import a new version of an article",
            description=(
                "Editors. The new text (JSON `text`, or multipart `file` decoded as "
                "on import) becomes the article's text and the old one an earlier "
                "version. Every claim is looked for in the new text: found with "
                "the same words, it keeps its verdict, sources and history (new "
                "offsets); found with other words, it is flagged `text_changed` "
                "and its verdict goes back to draft; not found, it becomes an "
                "orphan (kept, listed with `claims/?orphaned=true`). New sentences "
                "become new claims. Refused with 400 and nothing changed when the "
                "text is the current one, another article's, empty or too large."
            ),
            request={
                "application/json": api.VersionTextInput,
                "multipart/form-data": api.VersionInput,
            },
            responses={201: api.VersionOutcomeSerializer, **ERRORS},
            examples=[
                OpenApiExample(
                    "Unchanged refused",
                    value={
                        "text": [str(versions.UNCHANGED)],
                        "code": "unchanged",
                    },
                    response_only=True,
                    status_codes=["400"],
                ),
            ],
        ),
        extend_schema(
            methods=["GET"],
            summary="An article's versions",
            description=(
                "Newest first, the current version (the article's text) included: "
                "its number is one more than the number of earlier versions."
            ),
            request=None,
            responses={200: api.VersionSerializer(many=True), **READ_ERRORS},
        ),
    ],
    version_detail=extend_schema(
        summary="One version's text, or what the next version changed",
        description=(
            "Version `number` of the article with its text; the current "
            "version's number is one more than the count of earlier ones. With "
            "`diff=1`, the changes from this version to the next instead: "
            "`equal`, `delete` and `insert` runs in order (400 for the current "
            "version, which has no next)."
        ),
        parameters=[
            OpenApiParameter(
                "number",
                {"type": "integer", "minimum": 1, "maximum": 999_999_999},
                OpenApiParameter.PATH,
            ),
            api.VersionQuery,
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="VersionTextOrDiff",
                serializers=[api.VersionTextSerializer, api.VersionDiffSerializer],
                resource_type_field_name=None,
            ),
            **ERRORS,
        },
    ),
    analyse=extend_schema(
        summary="Analyse an article again",
        description=(
            "Editors. Queues the recomputation of every claim's hints (name "
            "variants, figures, contradictions), check-worthiness and "
            '"checked before" matches against the verdicts given since. '
            "Answers 202 with the job: follow it at `jobs/{id}/`, which counts "
            "the hints of each type once it is done."
        ),
        request=None,
        responses={202: api.JobSerializer, **ERRORS},
    ),
    publish=extend_schema(
        summary="Publish an article's approved verdicts",
        description=(
            "Reviewers only. Every approved verdict of the article becomes "
            "public at once; drafts and rejected verdicts stay internal. "
            "Answers how many were published (0 when none was approved)."
        ),
        request=None,
        responses={200: api.PublishedCount, **ERRORS},
    ),
)


JOBS = extend_schema_view(
    retrieve=extend_schema(
        summary="A background job",
        description=(
            "An article's analysis, queued by an import, a split, a merge, a "
            "kind change, a new version or `articles/{id}/analyse/` (its "
            "`progress` in percent grows while it runs), a source's archiving "
            "(`archive`, with its `source`), a webhook delivery or a link "
            "fetched for the import page: `queued`, "
            "`running`, `done` or `failed` (after its retries; `error` says "
            "why). A failed attempt that will be retried is `queued` again, "
            "with its `error` and `retry_at`."
        ),
        responses={200: api.JobSerializer, **READ_ERRORS},
    ),
)


CLAIMS = extend_schema_view(
    list=extend_schema(
        summary="List claims",
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                examples=[OpenApiExample("Since July", value="2025-07-01T00:00:00Z")],
            ),
            OpenApiParameter(
                "q", str, examples=[OpenApiExample("Name", value="焦建涛")]
            ),
            OpenApiParameter(
                "assignee",
                {"type": "string", "minLength": 1},
                examples=[OpenApiExample("Mine", value="editor")],
            ),
            OpenApiParameter(
                "article",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                description="Article id",
            ),
            OpenApiParameter(
                "min_checkworthiness",
                {"type": "number", "minimum": 0, "maximum": 1},
                description="Check-worthiness at least (0 to 1)",
            ),
        ],
        description=(
            "Filter by article, verdict, kind, review `status`, `assignee` "
            "(a username, or `null`), `updated_since` (ISO 8601), text search "
            "`q`, `min_checkworthiness` (0 to 1), `hint` (claims with at least "
            "one hint of that type), `text_changed` and `orphaned` (true/false). "
            "Claims a new version of their article no longer contains "
            "(orphans) are left out unless `orphaned=true`. Ordered by last "
            "change, cursor-paginated: keep the newest `updated_at` you saw and "
            "pass it as `updated_since` next time to sync. `ordering="
            "-checkworthiness` (or `-worth`) lists the most check-worthy "
            "claims first, `checkworthiness` (or `worth`) the least."
        ),
        responses={200: api.ClaimSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="A claim with its sources",
        description="The `ETag` header carries the claim's version for `If-Match`. "
        "`{id}` may also be the claim's `public_id` (what W3C annotation ids use).",
        responses={
            200: api.ClaimSerializer,
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            401: ERRORS[401],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    ),
    partial_update=extend_schema(
        summary="Change a claim's verdict, rationale or kind",
        description=(
            'Send `If-Match: "<version>"` (the ETag from GET), or `version` in the '
            "body. A stale version is refused with **412** and the current claim; "
            "sending neither is refused with **428**. Fields left out stay as they "
            "are. A new verdict or rationale makes you its author and the claim a "
            "draft, to be approved again; published verdicts change only through "
            "a correction (400)."
        ),
        parameters=[IF_MATCH],
        request=api.ClaimPatchInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Mark misstated",
                value={
                    "verdict": "misstated",
                    "rationale": "The scientist's name is 焦剑涛.",
                    "version": 3,
                },
                request_only=True,
            )
        ],
    ),
    add_source=extend_schema(
        summary="Attach a source to a claim",
        description=(
            "http(s) URLs only; `title` is required. The claim's version goes up; "
            "an approved verdict goes back to draft."
        ),
        request=api.SourceInput,
        responses={
            201: api.SourceSerializer,
            **ERRORS,
            412: VERSIONED[412],
        },
        examples=[
            OpenApiExample(
                "A refuting source",
                value={
                    "url": "https://example.org/profile",
                    "title": "Profile of Jiantao Jiao",
                    "publisher": "Example University",
                    "quote": "Jiantao Jiao (焦剑涛) …",
                    "stance": "refutes",
                    "accessed_on": "2025-07-01",
                },
                request_only=True,
            )
        ],
    ),
    approve=extend_schema(
        summary="Approve a draft verdict, or the correction waiting on a claim",
        description=(
            "Reviewers only, and not the verdict's author (or the correction's "
            "proposer): 403 otherwise. Needs a source, unless the verdict is "
            "verified and its rationale quotes the article in quotation marks "
            "(400, keyed `sources`). The claim's version is required (If-Match "
            "or `version`)."
        ),
        parameters=[IF_MATCH],
        request=api.ReviewInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Approve",
                value={"comment": "Checked the profile page.", "version": 4},
                request_only=True,
            )
        ],
    ),
    reject=extend_schema(
        summary="Send a verdict back to its editor, or turn down a correction",
        description=(
            "Reviewers only. `comment` (why) is required: it joins the claim's "
            "discussion. A draft or approved verdict becomes `rejected`; editing "
            "it makes it a draft again."
        ),
        parameters=[IF_MATCH],
        request=api.RejectInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Reject",
                value={"comment": "The source is a press release.", "version": 4},
                request_only=True,
            )
        ],
    ),
    publish=extend_schema(
        summary="Publish an approved verdict",
        description=(
            "Reviewers only. The verdict appears on the public report and in "
            "anonymous exports, and is frozen: it changes only by correction."
        ),
        parameters=[IF_MATCH],
        request=api.PublishInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
    ),
    assign=extend_schema(
        summary="Put a claim in an editor's queue",
        description=(
            "Editors. `assignee` is the username of someone with the editor "
            "role, or null to take the claim out of every queue."
        ),
        parameters=[IF_MATCH],
        request=api.AssignInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Assign",
                value={"assignee": "editor", "version": 4},
                request_only=True,
            )
        ],
    ),
    set_claimant=extend_schema(
        summary="Say who made a claim, and where and when it appeared",
        description=(
            "Editors. `name` and `type` (person or organisation) find the "
            "claimant, or make a new one; `role` replaces theirs when sent. "
            "`appearance_url` (http(s)) and `appearance_date` (not after today) "
            "say where and when the claim appeared; blank or null, the article's "
            "own address and date stand in, in the exports too. A blank `name` "
            "clears the claimant. Published claims take it too: it does not "
            "change the verdict. Exports carry it: ClaimReview's "
            "`itemReviewed.author` and `appearance`, W3C an `identifying` body "
            "and a second target."
        ),
        parameters=[IF_MATCH],
        request=api.ClaimantInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "A founder's claim in an interview",
                value={
                    "name": "Jensen Huang",
                    "type": "person",
                    "role": "company founder",
                    "appearance_url": "https://example.org/interview",
                    "appearance_date": "2025-06-28",
                    "version": 4,
                },
                request_only=True,
            )
        ],
    ),
    corrections=[
        extend_schema(
            methods=["POST"],
            summary="Propose a correction of a published verdict",
            description=(
                "Editors. Published verdicts are frozen: a correction names its "
                "`reason` (shown publicly), the new `verdict` and `rationale`. "
                "Someone other than the proposer approves it (POST .../approve/). "
                "One pending correction per claim."
            ),
            parameters=[IF_MATCH],
            request=api.CorrectionInput,
            responses={201: api.CorrectionSerializer, **ERRORS, **VERSIONED},
            examples=[
                OpenApiExample(
                    "Correct",
                    value={
                        "reason": "The university corrected its profile page.",
                        "verdict": "disputed",
                        "rationale": "Two sources now disagree on the name.",
                        "version": 6,
                    },
                    request_only=True,
                )
            ],
        ),
        extend_schema(
            methods=["GET"],
            summary="A claim's corrections",
            description="Every correction proposed, oldest first, with its outcome.",
            request=None,
            responses={200: api.CorrectionSerializer(many=True), **READ_ERRORS},
        ),
    ],
    comments=[
        extend_schema(
            methods=["POST"],
            summary="Comment on a claim",
            description="Any role that may comment, viewers included.",
            request=api.CommentInput,
            responses={201: api.CommentSerializer, **ERRORS},
        ),
        extend_schema(
            methods=["GET"],
            summary="A claim's internal discussion",
            description="Comments and rejection notes, oldest first. Never public.",
            request=None,
            responses={200: api.CommentSerializer(many=True), **READ_ERRORS},
        ),
    ],
    claim_history=extend_schema(
        summary="Everything that happened to a claim",
        description=(
            "Oldest first: each change to the claim and its sources with the old "
            "and new value of every field that changed, who made it and their "
            "comment, and the corrections proposed and decided."
        ),
        responses={200: api.HistoryEntrySerializer(many=True), **READ_ERRORS},
    ),
    matches=extend_schema(
        summary="Have we checked this before?",
        description=(
            "Verdicts this desk gave to the same words (after normalising "
            "width, traditional/simplified script, case and punctuation) in "
            "other articles, most alike first, looked up now. Each names the "
            "earlier claim and its article, verdict, date, sources and how "
            "alike it is (0-100). Reuse one with POST .../reuse/."
        ),
        responses={200: api.MatchSerializer(many=True), **READ_ERRORS},
    ),
    reuse=extend_schema(
        summary="Reuse a verdict given to the same claim elsewhere",
        description=(
            "Editors. Copies the `original` claim's verdict, rationale (with a "
            "line crediting it) and sources to this claim as a **draft**: a "
            "reviewer still approves and publishes it. 400 when the original "
            "has no verdict or is this claim; 404 when there is no such live "
            "claim; 412 when this claim changed meanwhile."
        ),
        parameters=[IF_MATCH],
        request=api.ReuseInput,
        responses={200: api.ClaimSerializer, **ERRORS, **VERSIONED},
        examples=[
            OpenApiExample(
                "Reuse", value={"original": 5, "version": 1}, request_only=True
            )
        ],
    ),
)


SEARCH = extend_schema(
    summary="Search the desk's claims",
    description=(
        "Claims whose text, rationale or a source's title contains every word "
        "of `q` (substring matching, so Chinese needs no spaces between "
        "words), most recently changed first, cursor-paginated. Narrow with "
        "`verdict` and the dates the verdict was given (`from`, `until`, "
        "YYYY-MM-DD). Orphans and deleted articles are left out."
    ),
    parameters=[
        api.SearchQuery,
        OpenApiParameter(
            "q",
            # At least one word (SearchQuery.validate).
            {"type": "string", "maxLength": 200, "pattern": api.NOT_BLANK},
            required=True,
            examples=[
                OpenApiExample("Chinese", value="焦剑涛 清华"),
                OpenApiExample("English", value="Nexusflow"),
            ],
        ),
    ],
    responses={200: api.SearchResultSerializer(many=True), **LIST_ERRORS},
)


SOURCES = extend_schema_view(
    retrieve=extend_schema(
        summary="A source",
        responses={200: api.SourceSerializer, **READ_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a source",
        parameters=[api.SourceDeleteQuery],
        responses={204: None, **ERRORS, 412: VERSIONED[412]},
    ),
    partial_update=extend_schema(
        summary="Change a source",
        request=api.SourcePatchInput,
        responses={200: api.SourceSerializer, **ERRORS, 412: VERSIONED[412]},
    ),
)
