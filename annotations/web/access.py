"""Who may use a page and do what on it, and the rows a desk URL names."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from .. import queries, roles
from ..models import Article, Claim


def viewer_required(view: Callable) -> Callable:
    """Signed-in users with a role on the desk; anyone else signed in gets a 403."""

    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        roles.require(request.user, roles.VIEW)
        return view(request, *args, **kwargs)

    return checked


def refusal(user: roles.User, permission: str) -> str:
    """Why ``user`` may not do what ``permission`` stands for ("" if they may)."""
    return "" if roles.can(user, permission) else str(roles.NOT_ALLOWED[permission])


def may(user: roles.User) -> dict[str, bool]:
    """What the page offers this user: the server checks again on every post."""
    return {
        "edit": roles.can(user, roles.EDIT),
        "review": roles.can(user, roles.REVIEW),
        "comment": roles.can(user, roles.COMMENT),
        "import": roles.can(user, roles.IMPORT),
    }


def claim_or_404(pk: int) -> Claim:
    """The claim with what the panel shows of it."""
    try:
        return queries.claim_for_panel(pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def article_or_404(pk: int) -> Article:
    """The article with what the workspace shows of it."""
    try:
        return queries.workspace_article(pk)
    except Article.DoesNotExist:
        raise Http404 from None
