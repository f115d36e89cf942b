"""Who may open and post to each address: one table over every URL pattern.

Each row is one request (a page, an htmx or form post, an API call or action,
an export, an admin page) with the exact answer for each role: anonymous, a
signed-in user with no role, viewer, editor, reviewer and admin. The table
must name every URL pattern the project has (a test walks the resolver), so a
new endpoint without a row fails.

Every request runs against the same objects and is rolled back afterwards,
so a post that succeeds for one role leaves nothing behind for the next.
Posts carry valid input: an allowed role gets the success answer, a refused
one the refusal, never an input error. The roles' users are staff, as the
demo accounts are, so the admin rows show what each role's permissions allow;
the user with no role is a plain account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations import jobs, services, tokens
from annotations.models import (
    Article,
    ArticleVersion,
    Claim,
    Comment,
    Job,
    Rating,
    Source,
    Status,
    Verdict,
    Webhook,
    WebhookDelivery,
)
from annotations.services import claimants, reviewing, versions

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    approve,
    archived,
    captured,
    claim_of,
    fresh,
    judge,
    publish,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "no role", "viewer", "editor", "reviewer", "admin")
# Redirects to a sign-in page (with ?next=), as answers of their own.
LOGIN = "login"
ADMIN_LOGIN = "admin login"
_LOGINS = {"/accounts/login/?next=": LOGIN, "/admin/login/?next=": ADMIN_LOGIN}

# The usual answers, one per role in ROLES.
PAGE = (LOGIN, 403, 200, 200, 200, 200)  # every role reads the desk


def edit(code: int) -> tuple:
    """A desk page or post for editors and above."""
    return (LOGIN, 403, 403, code, code, code)


def review(code: int) -> tuple:
    """A desk post for reviewers (and admins)."""
    return (LOGIN, 403, 403, 403, code, code)


def everyone(code: int) -> tuple:
    return (code,) * len(ROLES)


API_READ = (401, 403, 200, 200, 200, 200)


def api_edit(code: int) -> tuple:
    return (401, 403, 403, code, code, code)


def api_review(code: int) -> tuple:
    return (401, 403, 403, 403, code, code)


def staff(viewer, editor, reviewer, admin) -> tuple:
    """An admin page: anonymous and plain users are sent to the admin's login."""
    return (ADMIN_LOGIN, ADMIN_LOGIN, viewer, editor, reviewer, admin)


ADMIN_ONLY = staff(403, 403, 403, 200)
NOBODY = staff(403, 403, 403, 403)
STAFF = staff(200, 200, 200, 200)

NEW_PASSWORD = "a-long-new-password-42"


@dataclass(frozen=True)
class Row:
    name: str  # the URL pattern's name, as reverse() takes it
    method: str
    path: str  # "{...}" filled from the objects (see objects())
    expected: tuple  # one answer per role in ROLES
    data: Callable[[SimpleNamespace], dict] | None = None
    api: bool = False  # JSON body
    htmx: bool = False
    signs_out: bool = False
    # For answers that do not tell success from failure (a redirect either
    # way, or an htmx panel that says the refusal): whether the change
    # happened. It must for the roles in changed_by (by default those whose
    # answer is a success), and must not for any other.
    effect: Callable[[SimpleNamespace], bool] | None = None
    changed_by: tuple[str, ...] | None = None


def _claim_count(objs: SimpleNamespace) -> int:
    return Claim.objects.filter(article=objs.article, orphaned=False).count()


def _text(n: int) -> str:
    return f"A new sentence number {n} for this test.\nAnd another {n} here."


ROWS = [
    # The desk's pages and posts (annotations/urls.py).
    Row("desk:dashboard", "GET", "/", PAGE),
    Row("desk:queue", "GET", "/queue/", PAGE),
    Row("desk:search", "GET", "/search/?q=sentence", PAGE),
    Row("desk:article_new", "GET", "/articles/new/", edit(200)),
    Row("desk:claimant_names", "GET", "/claimants/names/", edit(200)),
    Row(
        "desk:article_new",
        "POST",
        "/articles/new/",
        edit(200),
        lambda o: {"title": "Preview", "text": _text(1), "preview": "1"},
    ),
    Row(
        "desk:article_new",
        "POST",
        "/articles/new/",
        edit(302),
        lambda o: {"title": "Imported", "text": _text(2), "import": "1"},
    ),
    # A link fetched for someone else (the writer): nobody else sees it.
    Row(
        "desk:article_fetch",
        "GET",
        "/articles/new/fetch/{fetch_job}/",
        (LOGIN, 403, 403, 404, 404, 404),
    ),
    Row("desk:workspace", "GET", "/articles/{article}/", PAGE),
    Row("desk:article_analysis", "GET", "/articles/{article}/analysis/", PAGE),
    Row(
        "desk:article_analysis",
        "GET",
        "/articles/{deleted}/analysis/",
        (LOGIN, 403, 404, 404, 404, 404),
    ),
    Row(
        "desk:workspace",
        "GET",
        "/articles/{deleted}/",
        (LOGIN, 403, 404, 404, 404, 404),
    ),
    Row(
        "desk:article_assign",
        "POST",
        "/articles/{article}/assign/",
        edit(302),
        lambda o: {"assignee": o.writer},
    ),
    Row(
        "desk:article_publish",
        "POST",
        "/articles/{article}/publish/",
        review(302),
        effect=lambda o: Claim.objects.get(pk=o.approved).status == Status.PUBLISHED,
    ),
    Row(
        "desk:article_version_new",
        "GET",
        "/articles/{article}/versions/new/",
        edit(200),
    ),
    Row(
        "desk:article_version_new",
        "POST",
        "/articles/{article}/versions/new/",
        edit(302),
        lambda o: {"text": o.text + "\nOne more line.", "import": "1"},
    ),
    Row("desk:article_version_diff", "GET", "/articles/{article}/versions/1/", PAGE),
    Row("desk:claim_panel", "GET", "/claims/{claim}/panel/", PAGE, htmx=True),
    Row(
        "desk:claim_panel",
        "GET",
        "/claims/{deleted_claim}/panel/",
        (LOGIN, 403, 404, 404, 404, 404),
        htmx=True,
    ),
    Row(
        "desk:claim_save",
        "POST",
        "/claims/{claim}/",
        edit(302),
        lambda o: {
            "verdict": Verdict.DISPUTED,
            "rationale": "Unsure.",
            "kind": "claim",
            "version": o.claim_version,
        },
    ),
    # With htmx, a refusal is said in the panel (200): nothing is saved.
    Row(
        "desk:claim_save",
        "POST",
        "/claims/{claim}/",
        PAGE,
        lambda o: {
            "verdict": Verdict.DISPUTED,
            "rationale": "Unsure.",
            "kind": "claim",
            "version": o.claim_version,
        },
        htmx=True,
        effect=lambda o: Claim.objects.get(pk=o.claim).verdict == Verdict.DISPUTED,
        changed_by=("editor", "reviewer", "admin"),
    ),
    Row(
        "desk:source_add",
        "POST",
        "/claims/{claim}/sources/",
        edit(302),
        lambda o: {
            "url": "https://example.org/new",
            "title": "New evidence",
            "stance": "supports",
            "version": o.claim_version,
        },
    ),
    Row(
        "desk:claim_split",
        "POST",
        "/claims/{claim}/split/",
        edit(302),
        lambda o: {"at": 6, "version": o.claim_version},
        effect=lambda o: _claim_count(o) == o.claims + 1,
    ),
    Row(
        "desk:claim_merge",
        "POST",
        "/claims/{claim}/merge/",
        edit(302),
        lambda o: {"version": o.claim_version, "next_version": o.next_version},
        effect=lambda o: _claim_count(o) == o.claims - 1,
    ),
    Row(
        "desk:claim_approve",
        "POST",
        "/claims/{draft}/approve/",
        review(302),
        lambda o: {"version": o.draft_version, "comment": ""},
    ),
    Row(
        "desk:claim_approve",
        "POST",
        "/claims/{draft}/approve/",
        PAGE,
        lambda o: {"version": o.draft_version, "comment": ""},
        htmx=True,
        effect=lambda o: Claim.objects.get(pk=o.draft).status == Status.APPROVED,
        changed_by=("reviewer", "admin"),
    ),
    Row(
        "desk:claim_reject",
        "POST",
        "/claims/{draft}/reject/",
        review(302),
        lambda o: {"version": o.draft_version, "comment": "Find a filing."},
    ),
    Row(
        "desk:claim_publish",
        "POST",
        "/claims/{approved}/publish/",
        review(302),
        lambda o: {"version": o.approved_version},
    ),
    Row(
        "desk:claim_correct",
        "POST",
        "/claims/{published}/correction/",
        edit(302),
        lambda o: {
            "version": o.published_version,
            "verdict": Verdict.DISPUTED,
            "rationale": "Two filings disagree.",
            "reason": "A second filing.",
        },
    ),
    Row(
        "desk:claim_assign",
        "POST",
        "/claims/{claim}/assign/",
        edit(302),
        lambda o: {"assignee": o.writer, "version": o.claim_version},
    ),
    Row(
        "desk:claim_claimant",
        "POST",
        "/claims/{claim}/claimant/",
        edit(302),
        lambda o: {
            "name": "Alpha Corp",
            "claimant_type": "organisation",
            "role": "",
            "version": o.claim_version,
        },
        effect=lambda o: Claim.objects.get(pk=o.claim).claimant_id is not None,
    ),
    Row(
        "desk:article_bulk",
        "POST",
        "/articles/{article}/bulk/",
        edit(302),
        lambda o: {
            "claims": [f"{o.claim}:{o.claim_version}"],
            "action": "kind",
            "kind": "heading",
        },
        effect=lambda o: Claim.objects.get(pk=o.claim).kind == "heading",
    ),
    Row(
        "desk:article_bulk",
        "POST",
        "/articles/{article}/bulk/",
        review(302),
        lambda o: {"claims": [f"{o.draft}:{o.draft_version}"], "action": "approve"},
        effect=lambda o: Claim.objects.get(pk=o.draft).status == Status.APPROVED,
    ),
    Row("desk:claim_comments", "GET", "/claims/{draft}/comments/", PAGE, htmx=True),
    Row(
        "desk:claim_comments",
        "POST",
        "/claims/{draft}/comments/",
        (LOGIN, 403, 302, 302, 302, 302),
        lambda o: {"text": "Is this the 2021 filing?"},
    ),
    Row("desk:claim_history", "GET", "/claims/{draft}/history/", PAGE, htmx=True),
    Row(
        "desk:claim_reuse",
        "POST",
        "/claims/{claim}/reuse/",
        edit(302),
        lambda o: {"original": o.published, "version": o.claim_version},
    ),
    Row(
        "desk:source_edit",
        "POST",
        "/sources/{source}/",
        edit(302),
        lambda o: {
            "url": "https://example.org/evidence",
            "title": "Renamed evidence",
            "stance": "supports",
            "version": o.draft_version,
        },
    ),
    Row(
        "desk:source_delete",
        "POST",
        "/sources/{source}/delete/",
        edit(302),
        lambda o: {"version": o.draft_version},
    ),
    # A source's archived copy: public once its verdict is published.
    Row(
        "desk:source_archive", "GET", "/sources/{public_source}/archive/", everyone(200)
    ),
    Row("desk:source_archive", "GET", "/sources/{source}/archive/", PAGE),
    Row(
        "desk:source_archive",
        "GET",
        "/sources/{unarchived_source}/archive/",
        (LOGIN, 403, 404, 404, 404, 404),
    ),
    Row("desk:report", "GET", "/r/{article}/", everyone(200)),
    Row("desk:report", "GET", "/r/{unpublished}/", everyone(404)),
    Row("desk:report", "GET", "/r/{deleted}/", everyone(404)),
    # The API (annotations/api/urls.py).
    Row("api:api-root", "GET", "/api/v1/", API_READ),
    Row("api:article-list", "GET", "/api/v1/articles/", API_READ),
    Row(
        "api:article-list",
        "POST",
        "/api/v1/articles/",
        api_edit(201),
        lambda o: {"title": "By API", "text": _text(3)},
        api=True,
    ),
    Row("api:article-detail", "GET", "/api/v1/articles/{article}/", API_READ),
    Row(
        "api:article-detail",
        "GET",
        "/api/v1/articles/{deleted}/",
        (401, 403, 404, 404, 404, 404),
    ),
    # Articles are deleted in the admin only.
    Row(
        "api:article-detail",
        "DELETE",
        "/api/v1/articles/{article}/",
        (401, 403, 403, 405, 405, 405),
    ),
    Row(
        "api:article-analyse",
        "POST",
        "/api/v1/articles/{article}/analyse/",
        api_edit(202),
    ),
    Row(
        "api:article-publish",
        "POST",
        "/api/v1/articles/{article}/publish/",
        api_review(200),
    ),
    Row(
        "api:article-version-list",
        "GET",
        "/api/v1/articles/{article}/versions/",
        API_READ,
    ),
    Row(
        "api:article-version-list",
        "POST",
        "/api/v1/articles/{article}/versions/",
        api_edit(201),
        lambda o: {"text": o.text + "\nOne more line."},
        api=True,
    ),
    Row(
        "api:article-version-detail",
        "GET",
        "/api/v1/articles/{article}/versions/1/?diff=1",
        API_READ,
    ),
    Row("api:claim-list", "GET", "/api/v1/claims/", API_READ),
    Row("api:claim-detail", "GET", "/api/v1/claims/{claim}/", API_READ),
    Row(
        "api:claim-detail",
        "GET",
        "/api/v1/claims/{deleted_claim}/",
        (401, 403, 404, 404, 404, 404),
    ),
    Row(
        "api:claim-detail",
        "PATCH",
        "/api/v1/claims/{claim}/",
        api_edit(200),
        lambda o: {"verdict": Verdict.DISPUTED, "version": o.claim_version},
        api=True,
    ),
    Row(
        "api:claim-add-source",
        "POST",
        "/api/v1/claims/{claim}/sources/",
        api_edit(201),
        lambda o: {"url": "https://example.org/new", "title": "New evidence"},
        api=True,
    ),
    Row(
        "api:claim-approve",
        "POST",
        "/api/v1/claims/{draft}/approve/",
        api_review(200),
        lambda o: {"version": o.draft_version},
        api=True,
    ),
    Row(
        "api:claim-reject",
        "POST",
        "/api/v1/claims/{draft}/reject/",
        api_review(200),
        lambda o: {"version": o.draft_version, "comment": "Find a filing."},
        api=True,
    ),
    Row(
        "api:claim-publish",
        "POST",
        "/api/v1/claims/{approved}/publish/",
        api_review(200),
        lambda o: {"version": o.approved_version},
        api=True,
    ),
    Row(
        "api:claim-assign",
        "POST",
        "/api/v1/claims/{claim}/assign/",
        api_edit(200),
        lambda o: {"assignee": "writer", "version": o.claim_version},
        api=True,
    ),
    Row(
        "api:claim-claimant",
        "POST",
        "/api/v1/claims/{claim}/claimant/",
        api_edit(200),
        lambda o: {
            "name": "Alpha Corp",
            "type": "organisation",
            "version": o.claim_version,
        },
        api=True,
    ),
    Row(
        "api:claim-corrections",
        "GET",
        "/api/v1/claims/{published}/corrections/",
        API_READ,
    ),
    Row(
        "api:claim-corrections",
        "POST",
        "/api/v1/claims/{published}/corrections/",
        api_edit(201),
        lambda o: {
            "version": o.published_version,
            "verdict": Verdict.DISPUTED,
            "rationale": "Two filings disagree.",
            "reason": "A second filing.",
        },
        api=True,
    ),
    Row("api:claim-comments", "GET", "/api/v1/claims/{draft}/comments/", API_READ),
    Row(
        "api:claim-comments",
        "POST",
        "/api/v1/claims/{draft}/comments/",
        (401, 403, 201, 201, 201, 201),
        lambda o: {"text": "Is this the 2021 filing?"},
        api=True,
    ),
    Row("api:claim-claim-history", "GET", "/api/v1/claims/{draft}/history/", API_READ),
    Row("api:claim-matches", "GET", "/api/v1/claims/{claim}/matches/", API_READ),
    Row(
        "api:claim-reuse",
        "POST",
        "/api/v1/claims/{claim}/reuse/",
        api_edit(200),
        lambda o: {"original": o.published, "version": o.claim_version},
        api=True,
    ),
    Row("api:source-detail", "GET", "/api/v1/sources/{source}/", API_READ),
    Row("api:job-detail", "GET", "/api/v1/jobs/{job}/", API_READ),
    Row(
        "api:source-detail",
        "PATCH",
        "/api/v1/sources/{source}/",
        api_edit(200),
        lambda o: {"title": "Renamed evidence"},
        api=True,
    ),
    Row("api:source-detail", "DELETE", "/api/v1/sources/{source}/", api_edit(204)),
    Row("api:search", "GET", "/api/v1/search/?q=sentence", API_READ),
    # Exports are public; readers without a role get published verdicts only
    # (test_exports_hold_only_published_verdicts_without_a_role).
    Row("api:export-json", "GET", "/api/v1/export/verdicts.json", everyone(200)),
    Row("api:export-csv", "GET", "/api/v1/export/verdicts.csv", everyone(200)),
    Row(
        "api:export-claimreview",
        "GET",
        "/api/v1/export/claimreview.jsonld",
        everyone(200),
    ),
    Row("api:export-w3c", "GET", "/api/v1/export/annotations.jsonld", everyone(200)),
    Row("schema", "GET", "/api/schema/", everyone(200)),
    Row("api-docs", "GET", "/api/docs/", everyone(200)),
    # Signing in and out, passwords, language (django.contrib.auth, i18n).
    Row("login", "GET", "/accounts/login/", everyone(200)),
    Row("logout", "GET", "/accounts/logout/", everyone(405)),
    Row("logout", "POST", "/accounts/logout/", everyone(302), signs_out=True),
    Row("password_change", "GET", "/accounts/password_change/", (LOGIN, *[200] * 5)),
    Row(
        "password_change_done",
        "GET",
        "/accounts/password_change/done/",
        (LOGIN, *[200] * 5),
    ),
    Row(
        "set_language",
        "POST",
        "/i18n/setlang/",
        everyone(302),
        lambda o: {"language": "en", "next": "/"},
    ),
    # The admin site.
    Row("admin:index", "GET", "/admin/", STAFF),
    Row("admin:login", "GET", "/admin/login/", (200, 200, 302, 302, 302, 302)),
    Row("admin:logout", "POST", "/admin/logout/", everyone(302), signs_out=True),
    Row("admin:password_change", "GET", "/admin/password_change/", STAFF),
    Row("admin:password_change_done", "GET", "/admin/password_change/done/", STAFF),
    Row(
        "admin:autocomplete",
        "GET",
        "/admin/autocomplete/?app_label=annotations&model_name=source"
        "&field_name=claim&term=sentence",
        STAFF,
    ),
    Row("admin:jsi18n", "GET", "/admin/jsi18n/", STAFF),
    # No model of the app has a page of its own outside the admin.
    Row(
        "admin:view_on_site",
        "GET",
        "/admin/r/{article_type}/{article}/",
        staff(404, 404, 404, 404),
    ),
    Row("admin:app_list", "GET", "/admin/annotations/", STAFF),
    Row("admin:app_list", "GET", "/admin/auth/", staff(404, 404, 404, 200)),
    Row(
        "admin:annotations_article_import",
        "GET",
        "/admin/annotations/article/import/",
        staff(403, 200, 200, 200),
    ),
    Row(
        "admin:annotations_claim_simple_history",
        "GET",
        "/admin/annotations/claim/{draft}/history/{claim_history}/",
        STAFF,
    ),
    Row(
        "admin:annotations_claim_simple_history",
        "POST",
        "/admin/annotations/claim/{draft}/history/{claim_history}/",
        NOBODY,
        lambda o: {},
    ),
    Row(
        "admin:annotations_source_simple_history",
        "GET",
        "/admin/annotations/source/{source}/history/{source_history}/",
        STAFF,
    ),
    Row(
        "admin:auth_user_password_change",
        "GET",
        "/admin/auth/user/{writer}/password/",
        ADMIN_ONLY,
    ),
    Row(
        "admin:auth_user_password_change",
        "GET",
        "/admin/auth/user/{superuser}/password/",
        NOBODY,
    ),
    Row(
        "admin:auth_user_password_change",
        "POST",
        "/admin/auth/user/{superuser}/password/",
        NOBODY,
        lambda o: {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    # Editors change verdicts in the admin too (through the services).
    Row(
        "admin:annotations_claim_change",
        "POST",
        "/admin/annotations/claim/{claim}/change/",
        staff(403, 302, 302, 302),
        lambda o: {
            "kind": "claim",
            "verdict": Verdict.DISPUTED,
            "rationale": "Unsure.",
            "expected_version": o.claim_version,
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        },
        effect=lambda o: Claim.objects.get(pk=o.claim).verdict == Verdict.DISPUTED,
    ),
    # Soft deletion of an article is the admin role's alone.
    Row(
        "admin:annotations_article_delete",
        "POST",
        "/admin/annotations/article/{article}/delete/",
        staff(403, 403, 403, 302),
        lambda o: {"post": "yes"},
        effect=lambda o: Article.objects.get(pk=o.article).deleted_at is not None,
    ),
    Row(
        "admin:annotations_source_delete",
        "POST",
        "/admin/annotations/source/{source}/delete/",
        staff(403, 302, 302, 302),
        lambda o: {"post": "yes"},
        effect=lambda o: not Source.objects.filter(pk=o.source).exists(),
    ),
    Row(
        "admin:annotations_comment_delete",
        "POST",
        "/admin/annotations/comment/{comment}/delete/",
        staff(403, 403, 403, 302),
        lambda o: {"post": "yes"},
        effect=lambda o: not Comment.objects.filter(pk=o.comment).exists(),
    ),
]

# Each model's admin pages: list, add, change, delete, history (GET).
ADMIN_MODELS = {
    # The importer makes articles: "add" leads there (and refuses viewers).
    "annotations/article/{article}": (
        STAFF,
        staff(302, 302, 302, 302),
        STAFF,
        ADMIN_ONLY,
        STAFF,
    ),
    "annotations/claim/{draft}": (STAFF, NOBODY, STAFF, NOBODY, STAFF),
    "annotations/source/{source}": (
        STAFF,
        staff(403, 200, 200, 200),
        STAFF,
        staff(403, 200, 200, 200),
        STAFF,
    ),
    "annotations/articleversion/{version}": (STAFF, NOBODY, STAFF, NOBODY, STAFF),
    # Fetched pages are evidence: read by every role, changed by nobody.
    "annotations/articlecapture/{capture}": (STAFF, NOBODY, STAFF, NOBODY, STAFF),
    "annotations/correction/{correction}": (STAFF, NOBODY, STAFF, NOBODY, STAFF),
    # Claimants come from claims: read by every role, corrected by editors.
    "annotations/claimant/{claimant}": (STAFF, NOBODY, STAFF, NOBODY, STAFF),
    "annotations/comment/{comment}": (STAFF, NOBODY, STAFF, ADMIN_ONLY, STAFF),
    # Background jobs: admins follow them; only the workers write them.
    "annotations/job/{job}": (ADMIN_ONLY, NOBODY, ADMIN_ONLY, NOBODY, ADMIN_ONLY),
    # Admins register webhooks and read their delivery log.
    "annotations/webhook/{webhook}": (ADMIN_ONLY,) * 5,
    # Admins keep the rating scale (this rating is in no claim: deletable).
    "annotations/rating/{rating}": (ADMIN_ONLY,) * 5,
    "annotations/webhookdelivery/{delivery}": (
        ADMIN_ONLY,
        NOBODY,
        ADMIN_ONLY,
        NOBODY,
        ADMIN_ONLY,
    ),
    # The database queue's own rows: superusers only.
    "django_tasks_database/dbtaskresult/{task_result}": (NOBODY,) * 5,
    "auth/user/{writer}": (ADMIN_ONLY, ADMIN_ONLY, ADMIN_ONLY, NOBODY, ADMIN_ONLY),
    "auth/group/{group}": (ADMIN_ONLY, NOBODY, ADMIN_ONLY, NOBODY, ADMIN_ONLY),
    # API tokens are keys to other people's accounts: superusers only.
    "annotations/apitoken/{token}": (NOBODY,) * 5,
    "axes/accessattempt/{attempt}": (
        ADMIN_ONLY,
        NOBODY,
        ADMIN_ONLY,
        ADMIN_ONLY,
        ADMIN_ONLY,
    ),
    "axes/accesslog/{access_log}": (NOBODY,) * 5,
    "axes/accessfailurelog/{failure_log}": (NOBODY,) * 5,
}


def _admin_rows() -> list[Row]:
    rows = []
    for where, answers in ADMIN_MODELS.items():
        model_path, obj = where.rsplit("/", 1)
        prefix = "admin:" + model_path.replace("/", "_")
        base = f"/admin/{model_path}/"
        pages = [
            ("changelist", base),
            ("add", f"{base}add/"),
            ("change", f"{base}{obj}/change/"),
            ("delete", f"{base}{obj}/delete/"),
            ("history", f"{base}{obj}/history/"),
        ]
        for (page, path), expected in zip(pages, answers, strict=True):
            rows.append(Row(f"{prefix}_{page}", "GET", path, expected))
    return rows


TABLE = ROWS + _admin_rows()


def objects() -> SimpleNamespace:
    """The objects the table's rows name, made through the services."""
    writer = UserFactory(username="writer", role="editor", is_staff=True)
    checker = UserFactory(username="checker", role="reviewer")
    text = (
        "Alpha raised $1 million in 2020. Beta hired 20 people in 2021.\n"
        "Gamma opened 3 offices in Berlin.\n"
        "Delta sold 4 units to Norway.\n"
        "Epsilon lost $5 million last year."
    )
    article = ArticleFactory(title="The article", text=text, imported_by=writer)
    versions.import_new_version(
        article=article, text=f"{text}\nZeta closed 6 plants.", imported_by=writer
    )
    claim, following, draft, approved, published = (
        claim_of(article, n) for n in range(1, 6)
    )
    source = add_source(draft, added_by=writer)
    archived(source)
    judge(draft, Verdict.DISPUTED, "The filing says 30 offices.", editor=writer)
    services.add_comment(claim=draft, author=writer, text="The 2021 one.")
    unarchived_source = add_source(approved, added_by=writer)
    judge(approved, Verdict.VERIFIED, "The registry lists the sale.", editor=writer)
    approve(approved, checker)
    public_source = add_source(published, added_by=writer)
    archived(public_source)
    judge(published, Verdict.MISSTATED, "The loss was $3 million.", editor=writer)
    publish(published, checker)
    current = fresh(published)
    reviewing.propose_correction(
        claim=current,
        editor=writer,
        verdict=Verdict.DISPUTED,
        rationale="Reports disagree.",
        reason="A later report.",
        expected_version=current.version,
    )
    approve(published, checker)  # the correction, now public

    named = fresh(following)
    claimant = claimants.set_claimant(
        claim=named,
        editor=writer,
        expected_version=named.version,
        name="Beta Ltd",
        claimant_type="organisation",
    ).claimant

    unpublished = ArticleFactory(title="Nothing published", imported_by=writer)
    capture = captured(unpublished)
    deleted = ArticleFactory(title="Deleted", imported_by=writer)
    services.delete_article(article=deleted, by=None)
    log = {"user_agent": "test", "ip_address": "192.0.2.1", "username": "x"}
    log |= {"http_accept": "*/*", "path_info": "/accounts/login/"}
    current = {c.pk: c for c in article.claims.filter(orphaned=False)}
    return SimpleNamespace(
        article=article.pk,
        text=Article.objects.get(pk=article.pk).text,
        claims=len(current),
        article_type=ContentType.objects.get_for_model(Article).pk,
        claim=claim.pk,
        claim_version=current[claim.pk].version,
        next_version=current[following.pk].version,
        draft=draft.pk,
        draft_version=current[draft.pk].version,
        approved=approved.pk,
        approved_version=current[approved.pk].version,
        published=published.pk,
        published_version=current[published.pk].version,
        source=source.pk,
        public_source=public_source.pk,
        unarchived_source=unarchived_source.pk,
        capture=capture.pk,
        claimant=claimant.pk,
        comment=Comment.objects.filter(claim=draft).first().pk,
        correction=current[published.pk].corrections.get().pk,
        version=ArticleVersion.objects.get(article=article).pk,
        claim_history=draft.history.latest().history_id,
        source_history=source.history.latest().history_id,
        unpublished=unpublished.pk,
        deleted=deleted.pk,
        deleted_claim=claim_of(deleted, 1).pk,
        writer=writer.pk,
        fetch_job=jobs.queue_fetch(url="https://example.org/", requested_by=writer).pk,
        superuser=UserFactory(
            username="root", role="", is_staff=True, is_superuser=True
        ).pk,
        group=Group.objects.get(name="viewer").pk,
        token=tokens.create_token(user=writer)[0].pk,
        attempt=AccessAttempt.objects.create(
            **log, get_data="", post_data="", failures_since_start=1
        ).pk,
        access_log=AccessLog.objects.create(**log).pk,
        failure_log=AccessFailureLog.objects.create(**log).pk,
        job=Job.objects.filter(article_id=article.pk).latest("pk").pk,
        webhook=(
            webhook := Webhook.objects.create(
                url="https://example.org/hook", secret="s", events=["article.imported"]
            )
        ).pk,
        delivery=WebhookDelivery.objects.create(
            webhook=webhook,
            job=Job.objects.create(kind="webhook"),
            event="article.imported",
            body="{}",
        ).pk,
        rating=Rating.objects.create(
            key="half_true",
            label_en="Half true",
            label_zh="半真半假",
            icon="½",
            colour="#7a6a00",
            digit=7,
            rating_value=2,
            best_rating=3,
            worst_rating=1,
        ).pk,
        task_result=DBTaskResult.objects.create(
            args_kwargs={"args": [0], "kwargs": {}},
            task_path="annotations.jobs.run_job",
            backend_name="default",
            run_after=timezone.now(),
        ).pk,
    )


def people() -> dict[str, object]:
    """The signed-in user of each role but the anonymous one."""
    return {
        "no role": UserFactory(username="norole", role=""),
        **{
            role: UserFactory(username=f"as-{role}", role=role, is_staff=True)
            for role in ("viewer", "editor", "reviewer", "admin")
        },
    }


def answer(response) -> int | str:
    """The status, or LOGIN / ADMIN_LOGIN for a redirect to sign in."""
    if response.status_code == 302:
        for prefix, name in _LOGINS.items():
            if response["Location"].startswith(prefix):
                return name
    return response.status_code


def send(client: Client, row: Row, objs: SimpleNamespace):
    path = row.path.format(**vars(objs))
    data = row.data(objs) if row.data else {}
    headers = {"HX-Request": "true"} if row.htmx else {}
    if row.api or row.method in ("PATCH", "DELETE"):
        body = json.dumps(data)
        return client.generic(
            row.method, path, body, content_type="application/json", headers=headers
        )
    if row.method == "POST":
        return client.post(path, data, headers=headers)
    return client.get(path, headers=headers)


def wrong_answers(rows: list[Row]) -> list[str]:
    """Every (row, role) whose answer is not the table's, said in words."""
    objs = objects()
    users = people()
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)
    wrong = []
    for row in rows:
        cache.clear()  # anonymous API calls are throttled per minute
        for role, expected in zip(ROLES, row.expected, strict=True):
            client = clients[role]
            if row.signs_out:
                client = Client(raise_request_exception=False)
                if role in users:
                    client.force_login(users[role])
            with transaction.atomic():
                got = answer(send(client, row, objs))
                changed = row.effect(objs) if row.effect and _success(got) else None
                transaction.set_rollback(True)
            said = f"{row.method} {row.path} as {role}"
            if got != expected:
                wrong.append(f"{said}: {got}, not {expected}")
            elif changed is not None and changed != (role in _changers(row)):
                wrong.append(f"{said}: {got}, but changed: {changed}")
    return wrong


def _changers(row: Row) -> tuple[str, ...]:
    if row.changed_by is not None:
        return row.changed_by
    return tuple(r for r, e in zip(ROLES, row.expected, strict=True) if _success(e))


def _success(got: int | str) -> bool:
    return isinstance(got, int) and got < 400


def test_every_role_gets_the_answer_the_table_gives():
    wrong = wrong_answers(TABLE)

    assert not wrong, "\n".join(wrong)


def _join(route1: str, route2: str) -> str:
    """Two routes joined as Django's resolver joins them (ResolverMatch.route)."""
    return route1 + route2.removeprefix("^") if route1 else route2


def named_routes(resolver: URLResolver) -> set[tuple[str, str]]:
    """(view name, route) of every named URL pattern under ``resolver``."""
    found = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{pattern.namespace}:" if pattern.namespace else ""
            for name, route in named_routes(pattern):
                found.add((space + name, _join(str(pattern.pattern), route)))
        elif pattern.name:
            found.add((pattern.name, str(pattern.pattern)))
    return found


def is_format_twin(route: str) -> bool:
    """DRF's "<route>.json" twin of a route, which answers as the route does."""
    return "(?P<format>" in route or "<drf_format_suffix:format>" in route


def test_the_table_names_every_url_pattern():
    patterns = {
        (name, route)
        for name, route in named_routes(get_resolver())
        if not is_format_twin(route)
    }
    covered = set()
    for row in TABLE:
        match = resolve(row.path.split("?")[0].format_map(_Any()))
        assert match.view_name == row.name, (row.path, match.view_name)
        covered.add((match.view_name, match.route))

    assert sorted(patterns - covered) == []
    assert len(patterns) > 100  # the walk found the admin's patterns too


def test_no_two_url_patterns_share_a_name():
    """Each name (with its namespace) reverses to one route, so none shadows another."""
    routes: dict[str, set[str]] = {}
    for name, route in named_routes(get_resolver()):
        if not is_format_twin(route):
            routes.setdefault(name, set()).add(route)
    shared = {name: found for name, found in routes.items() if len(found) > 1}
    assert shared == {}
    assert {"desk:search", "api:search"} <= routes.keys()


class _Any(dict):
    """Fills every "{name}" of a row's path with a number, to resolve it."""

    def __missing__(self, key: str) -> str:
        return "7"


def test_exports_hold_only_published_verdicts_without_a_role():
    objs = objects()
    users = people()
    counts = {}
    for role in ROLES:
        client = Client()
        if role in users:
            client.force_login(users[role])
        response = client.get("/api/v1/export/verdicts.json")
        rows = json.loads(b"".join(response.streaming_content))
        counts[role] = sorted((row["claim_id"], row["status"]) for row in rows)

    public = [(objs.published, "published")]
    desk = counts["viewer"]
    assert {(objs.draft, "draft"), (objs.approved, "approved")} < set(desk)
    assert counts == {
        "anonymous": public,
        "no role": public,
        "viewer": desk,
        "editor": desk,
        "reviewer": desk,
        "admin": desk,
    }
