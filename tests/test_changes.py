"""change_claims: the one way claims change (annotations/services/changes.py)."""

import pytest
from django.db import connection
from django.db.models import Q

from annotations.models import Claim, Status, Verdict
from annotations.services import changes

from .factories import (
    ArticleFactory,
    add_source,
    approve,
    judge,
    make_editor,
    sentences,
)

pytestmark = pytest.mark.django_db


def test_change_claims_raises_each_version_and_records_each_in_one_write(
    django_assert_num_queries,
):
    article = ArticleFactory(text=sentences(3))
    ids = list(article.claims.values_list("pk", flat=True))
    editor = make_editor()
    # The UPDATE … RETURNING and the history's INSERT: one statement on
    # PostgreSQL, two on SQLite (one INSERT … SELECT for every claim).
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        changed = changes.change_claims(
            Claim.objects.filter(pk__in=ids),
            editor=editor,
            reason="why",
            kind="opinion",
        )
    assert sorted(claim.pk for claim in changed) == sorted(ids)
    for claim in Claim.objects.filter(pk__in=ids):
        assert (claim.version, claim.kind) == (2, "opinion")
        last = claim.history.order_by("-history_id").first()
        assert (last.version, last.history_change_reason) == (2, "why")
        assert last.history_user == editor


def test_change_claims_on_no_row_changes_and_records_nothing(
    django_assert_num_queries,
):
    with django_assert_num_queries(0):
        assert changes.change_claims(Claim.objects.filter(pk__in=[]), editor=None) == []


def test_back_to_draft_withdraws_only_the_approvals_meeting_the_condition():
    article = ArticleFactory(text=sentences(2))
    first, second = article.claims.order_by("position")
    add_source(first)
    approved = approve(judge(first, Verdict.VERIFIED))
    changes.change_claims(
        Claim.objects.filter(pk__in=[first.pk, second.pk]),
        editor=None,
        **changes.back_to_draft(Q(status=Status.APPROVED)),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert (first.status, first.approved_by) == (Status.DRAFT, None)
    assert second.status == Status.UNREVIEWED
