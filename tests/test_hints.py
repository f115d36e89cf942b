"""Hint types are one registry (annotations/hints.py): a new type shows on the
desk, in the admin's filter and through the API without other code."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from annotations import hints
from annotations.admin.display import HINT_NAMES
from annotations.models import Claim

from .factories import ArticleFactory, claim_of
from .helpers import body_of, signed_in

pytestmark = pytest.mark.django_db

TEXT = "Revenue was $5 million last year. Costs rose."


@pytest.fixture
def new_type(monkeypatch):
    """A hint type registered as a module of the analysis would register it."""
    registry = dict(hints.TYPES)
    monkeypatch.setattr(hints, "TYPES", registry)
    return hints.register(
        hints.HintType(
            "unit_mismatch",
            gettext_lazy("unit mismatch"),
            "Two units for one measure.",
        )
    )


def hinted_claim(kind: str) -> Claim:
    claim = claim_of(ArticleFactory(text=TEXT))
    hint = {
        "type": kind,
        "message": "Miles here, kilometres there.",
        "spans": [{"start": 12, "end": 14, "text": "$5"}],
    }
    Claim.objects.filter(pk=claim.pk).update(hints=[hint])
    return claim


def test_the_four_built_in_types_are_registered_with_their_keys():
    assert list(hints.TYPES) == [
        "name_variant",
        "number",
        "contradiction",
        "checked_before",
    ]
    assert hints.label("no_such_type") == "no_such_type"


def test_a_new_type_shows_in_the_panel_with_its_label_message_and_spans(
    client, editor, new_type
):
    claim = hinted_claim(new_type.key)
    signed_in(client, editor)
    url = reverse("desk:workspace", args=[claim.article_id])
    body = body_of(client.get(url, {"claim": claim.public_id}))
    assert 'class="hint hint-other hint-unit_mismatch"' in body
    assert "Unit mismatch" in body
    assert "Miles here, kilometres there." in body
    assert 'data-fig="12">$5</span>' in body
    # The reading pane names it beside the claim, as it names the others.
    assert "unit mismatch" in body


def test_an_unregistered_type_is_not_shown_as_a_hint(client, editor):
    claim = hinted_claim("not_registered")
    signed_in(client, editor)
    url = reverse("desk:workspace", args=[claim.article_id])
    body = body_of(client.get(url, {"claim": claim.public_id}))
    assert "hint-other" not in body


def test_the_api_filters_and_counts_a_new_type(editor_api, new_type):
    claim = hinted_claim(new_type.key)
    listed = editor_api.get("/api/v1/claims/", {"hint": new_type.key})
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [claim.pk]
    unknown = editor_api.get("/api/v1/claims/", {"hint": "no_such_type"})
    assert unknown.status_code == 400 and "hint" in unknown.json()


def test_the_admin_names_every_registered_type():
    assert set(HINT_NAMES) == set(hints.TYPES)


def test_the_api_hint_counts_have_a_field_per_type(new_type):
    from annotations.api.serializers import HintCountsSerializer

    assert list(HintCountsSerializer().fields) == list(hints.TYPES)
    assert HintCountsSerializer({"unit_mismatch": 2}).data["unit_mismatch"] == 2
