"""The refusal table: which exceptions are the domain's refusals, and the
status and text each way in answers them with."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from annotations.importing import ImportRefused
from annotations.models import Kind, Verdict
from annotations.services import StaleVersion, refusals

from .factories import ArticleFactory, claim_of, fresh, judge


def test_each_refusal_has_its_api_and_page_status():
    statuses = {
        refusal.exception: (refusal.api_status, refusal.page_status)
        for refusal in refusals.REFUSALS
    }
    assert statuses == {
        ImportRefused: (400, 400),
        StaleVersion: (412, 409),
        PermissionDenied: (403, 403),
        ValidationError: (400, 400),
    }
    assert tuple(statuses) == refusals.EXCEPTIONS


def test_an_exception_that_is_no_refusal_has_no_entry():
    assert refusals.refusal_of(ValueError("a bug")) is None
    with pytest.raises(TypeError, match="ValueError is not a refusal"):
        refusals.page_status(ValueError("a bug"))


def test_a_refusals_text_joins_a_validation_errors_messages():
    error = ValidationError(["First rule.", "Second rule."])
    assert refusals.message(error) == "First rule. Second rule."
    assert refusals.message(ImportRefused("Empty.", code="empty")) == "Empty."
    assert refusals.message(PermissionDenied("Ask a reviewer.")) == "Ask a reviewer."


def _stale_answered_with(monkeypatch, **statuses) -> None:
    table = tuple(
        dataclasses.replace(refusal, **statuses)
        if refusal.exception is StaleVersion
        else refusal
        for refusal in refusals.REFUSALS
    )
    monkeypatch.setattr(refusals, "REFUSALS", table)


@pytest.mark.django_db
def test_the_api_answers_a_stale_write_with_the_tables_status(editor_api, monkeypatch):
    _stale_answered_with(monkeypatch, api_status=409)
    claim = claim_of(ArticleFactory(text="One claim here. Another one."))
    judge(claim, Verdict.VERIFIED, "First.")
    response = editor_api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"rationale": "Second.", "version": 1},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["rationale"] == "First."


@pytest.mark.django_db
def test_a_page_answers_a_stale_save_with_the_tables_status(editor_client, monkeypatch):
    _stale_answered_with(monkeypatch, page_status=412)
    claim = claim_of(ArticleFactory(text="One claim here. Another one."))
    started_from = claim.version
    judge(claim, Verdict.VERIFIED, "Theirs.")
    response = editor_client.post(
        reverse("desk:claim_save", args=[claim.pk]),
        {
            "verdict": Verdict.MISSTATED,
            "rationale": "Mine.",
            "kind": Kind.CLAIM,
            "version": started_from,
        },
    )
    assert response.status_code == 412
    assert fresh(claim).rationale == "Theirs."
