"""The rating scale as data: its model's invariants, retiring instead of deleting,
and every page, filter, export and API answer reading it (annotations/ratings.py).
"""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from annotations import queries, ratings, services
from annotations.models import Claim, Rating, Verdict

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
MOSTLY_TRUE = {
    "key": "mostly_true",
    "label_en": "Mostly true",
    "label_zh": "基本属实",
    "description_en": "True in substance, with a detail wrong.",
    "description_zh": "大体属实，细节有误。",
    "icon": "\u2248",  # ≈
    "colour": "#2e7d6b",
    "digit": 4,
    "order": 2,
    "rating_value": 3,
    "best_rating": 4,
    "worst_rating": 1,
}


def add_rating(**overrides) -> Rating:
    return Rating.objects.create(**{**MOSTLY_TRUE, **overrides})


def refused(**values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        add_rating(**values)


@pytest.fixture
def mostly_true() -> Rating:
    return add_rating()


@pytest.fixture
def judged(editor, mostly_true) -> Claim:
    """A claim rated mostly true, with a source, published."""
    claim = claim_of(ArticleFactory(text=sentences(3), imported_by=editor), 2)
    judge(claim, "mostly_true", "Close enough.", editor=editor)
    add_source(claim, added_by=editor)
    return publish(claim)


def body_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        body_of(client.get(url))
    return len(context)


# The model.


def test_migration_installs_the_three_verdicts_the_desk_had():
    scale = {r.key: r for r in ratings.scale()}
    assert list(scale) == ["verified", "disputed", "misstated"]
    assert [(r.digit, r.rating_value, r.icon) for r in scale.values()] == [
        (1, 3, "\u2713"),
        (2, 2, "?"),
        (3, 1, "\u2717"),
    ]
    assert {(r.worst_rating, r.best_rating) for r in scale.values()} == {(1, 3)}
    assert scale["misstated"].label_zh == "失实"
    assert all(r.counts_as_checked and not r.retired for r in scale.values())


def test_two_active_ratings_cannot_share_a_digit_but_a_retired_one_can():
    refused(digit=1)
    retired = add_rating(digit=1, retired=True)
    assert retired.pk


@pytest.mark.parametrize(
    "values",
    [
        {"colour": "green"},
        {"colour": "#12345"},
        {"digit": 0},
        {"digit": 10},
        {"key": "unreviewed"},
        {"key": "Mostly-True"},
        {"key": "verified"},
        {"rating_value": 5},
        {"worst_rating": 4, "best_rating": 4},
        {"label_zh": ""},
    ],
)
def test_the_database_refuses_a_rating_that_breaks_the_scale(values):
    refused(**values)


def test_the_admin_form_checks_the_colour_and_the_digit():
    rating = Rating(**{**MOSTLY_TRUE, "colour": "red", "digit": 2})
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    errors = error.value.message_dict
    assert "colour" in errors
    # Digit 2 already gives "disputed": the conditional unique constraint says so.
    assert any("digit" in str(m).lower() for m in errors.get("__all__", []))


def test_labels_follow_the_active_language(mostly_true):
    assert ratings.label("mostly_true") == "Mostly true"
    with translation.override("zh-hans"):
        assert ratings.label("mostly_true") == "基本属实"
        assert ratings.label(Verdict.UNREVIEWED) == "未核查"


def test_the_scale_is_remembered_and_forgotten_when_a_rating_changes(mostly_true):
    ratings.scale()
    with CaptureQueriesContext(connection) as context:
        ratings.scale()
    assert len(context) == 0
    mostly_true.label_en = "Largely true"
    mostly_true.save()
    assert ratings.label("mostly_true") == "Largely true"


# Verdicts: given, refused, retired.


def test_a_fourth_rating_can_be_given(editor, mostly_true):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    judge(claim, "mostly_true", editor=editor)
    assert fresh(claim).verdict == "mostly_true"


def test_an_unknown_verdict_is_refused_naming_the_allowed_keys(editor, mostly_true):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    with pytest.raises(ValidationError) as error:
        judge(claim, "true-ish", editor=editor)
    assert error.value.messages == [
        "Unknown verdict 'true-ish'. Use one of: verified, disputed, mostly_true, "
        "misstated, unreviewed."
    ]


def test_a_retired_rating_is_kept_on_its_claims_but_not_given_anew(editor, mostly_true):
    kept = claim_of(ArticleFactory(text=sentences(2)))
    judge(kept, "mostly_true", editor=editor)
    assert ratings.retire(keys=["mostly_true"]) == 1
    # Saving a new rationale keeps the verdict the claim already has.
    judge(kept, "mostly_true", "A better reason.", editor=editor)
    assert (fresh(kept).verdict, fresh(kept).rationale) == (
        "mostly_true",
        "A better reason.",
    )
    other = claim_of(ArticleFactory(text=sentences(2, start=10)))
    with pytest.raises(ValidationError):
        judge(other, "mostly_true", editor=editor)
    assert "mostly_true" not in ratings.active_keys()
    assert ratings.label("mostly_true") == "Mostly true"


def test_a_rating_in_use_cannot_be_deleted(editor, mostly_true):
    ratings.check_deletable(mostly_true)  # not in use yet
    judge(claim_of(ArticleFactory(text=sentences(2))), "mostly_true", editor=editor)
    with pytest.raises(ValidationError, match="retire it instead"):
        ratings.check_deletable(mostly_true)


def test_bringing_back_a_rating_whose_digit_is_taken_is_refused(mostly_true):
    ratings.retire(keys=["mostly_true"])
    add_rating(key="half_true", label_en="Half true", digit=4)
    with pytest.raises(ValidationError, match="same keyboard digit"):
        ratings.retire(keys=["mostly_true"], retired=False)


def test_a_rating_that_does_not_count_as_checked_leaves_progress_alone(editor):
    add_rating(key="satire", label_en="Satire", digit=5, counts_as_checked=False)
    article = ArticleFactory(text=sentences(3))
    judge(claim_of(article, 1), "satire", editor=editor)
    judge(claim_of(article, 2), Verdict.VERIFIED, editor=editor)
    counts = queries.unit_counts(article)
    assert (counts.checked, counts.of("satire")) == (1, 1)
    assert counts.verdicts[Verdict.UNREVIEWED] == 1


# The admin.


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="boss", role="admin", is_staff=True))
    return client


def test_the_admin_offers_no_delete_for_a_rating_in_use(admin_client, judged):
    rating = Rating.objects.get(key="mostly_true")
    change = body_of(
        admin_client.get(reverse("admin:annotations_rating_change", args=[rating.pk]))
    )
    assert "deletelink" not in change
    delete = admin_client.post(
        reverse("admin:annotations_rating_delete", args=[rating.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Rating.objects.filter(key="mostly_true").exists()
    unused = add_rating(key="half_true", label_en="Half true", digit=5)
    page = reverse("admin:annotations_rating_change", args=[unused.pk])
    assert "deletelink" in body_of(admin_client.get(page))


def test_the_admin_retires_ratings_and_edits_their_order(admin_client, mostly_true):
    url = reverse("admin:annotations_rating_changelist")
    response = admin_client.post(
        url,
        {"action": "retire", "_selected_action": [mostly_true.pk]},
        follow=True,
    )
    assert "Retired 1 rating." in body_of(response)
    assert Rating.objects.get(key="mostly_true").retired
    assert "mostly_true" not in ratings.active_keys()
    assert "delete_selected" not in body_of(admin_client.get(url))


def test_the_article_changelist_has_a_column_per_rating(admin_client, judged):
    body = body_of(admin_client.get(reverse("admin:annotations_article_changelist")))
    assert '<td class="field-mostly_true">1</td>' in body
    assert '<td class="field-verified">0</td>' in body


# Pages.


def test_the_workspace_offers_the_scale_with_its_digits_and_colours(
    editor_client, mostly_true
):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    url = (
        reverse("desk:workspace", args=[claim.article_id]) + f"?claim={claim.public_id}"
    )
    body = body_of(editor_client.get(url))
    assert 'value="mostly_true" class="vbtn v-mostly_true"' in body
    assert 'data-key="4"' in body
    assert 'data-verdict-digit="4" data-verdict="mostly_true"' in body
    assert ".v-mostly_true{--vc:#2e7d6b}" in body
    # In the scale's order: order, then key (disputed and mostly_true are 2).
    buttons = [body.index(f'value="{key}" class="vbtn') for key in ratings.all_keys()]
    assert buttons == sorted(buttons)
    assert ratings.all_keys() == ["verified", "disputed", "mostly_true", "misstated"]


def test_a_retired_rating_leaves_the_buttons_but_stays_on_its_claim(
    editor_client, judged
):
    ratings.retire(keys=["mostly_true"])
    url = reverse("desk:workspace", args=[judged.article_id])
    body = body_of(editor_client.get(url + f"?claim={judged.public_id}"))
    assert 'class="vbtn v-mostly_true' not in body
    assert "Mostly true" in body
    assert ".v-mostly_true{--vc:#2e7d6b}" in body


def test_the_workspace_filter_finds_a_fourth_rating(editor_client, judged):
    url = reverse("desk:workspace", args=[judged.article_id])
    body = body_of(editor_client.get(url, {"show": "mostly_true"}))
    assert 'href="?show=mostly_true"' in body
    assert 'aria-current="true">Mostly true</a>' in body


def test_the_dashboard_bar_and_the_public_report_show_a_fourth_rating(
    client, editor_client, judged
):
    dashboard = body_of(editor_client.get(reverse("desk:dashboard")))
    assert 'class="fill-rated v-mostly_true"' in dashboard
    report = body_of(client.get(reverse("desk:report", args=[judged.article_id])))
    assert 'class="vchip v-mostly_true"' in report
    assert "Mostly true" in report


def test_pages_read_the_scale_without_a_query_of_their_own(editor_client, editor):
    article = ArticleFactory(text=sentences(30), imported_by=editor)
    pages = [
        reverse("desk:workspace", args=[article.pk]),
        reverse("desk:dashboard"),
    ]
    before = [queries_for(editor_client, url) for url in pages]
    add_rating()
    ratings.scale()  # as after any request: the scale is known
    assert [queries_for(editor_client, url) for url in pages] == before


# The API and the exports.


def test_the_api_takes_filters_and_counts_a_fourth_rating(editor_api, judged):
    claims = editor_api.get(f"{API}/claims/", {"verdict": "mostly_true"}).json()
    assert [c["id"] for c in claims["results"]] == [judged.pk]
    article = editor_api.get(f"{API}/articles/{judged.article_id}/").json()
    assert article["counts"]["mostly_true"] == 1
    assert article["counts"]["verified"] == 0


def test_the_api_refuses_an_unknown_verdict_naming_the_allowed_keys(
    editor_api, mostly_true
):
    claim = claim_of(ArticleFactory(text=sentences(2)))
    response = editor_api.patch(
        f"{API}/claims/{claim.pk}/", {"verdict": "true-ish", "version": 1}, "json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "verdict": [
            '"true-ish" is not a valid choice. Use one of: verified, disputed, '
            "mostly_true, misstated, unreviewed."
        ]
    }
    response = editor_api.patch(
        f"{API}/claims/{claim.pk}/", {"verdict": "mostly_true", "version": 1}, "json"
    )
    assert response.status_code == 200
    assert response.json()["verdict"] == "mostly_true"


def export(client, path: str) -> str:
    response = client.get(f"{API}/export/{path}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def test_every_export_carries_a_fourth_rating(editor_api, judged):
    rows = json.loads(export(editor_api, "verdicts.json"))
    assert {r["verdict"] for r in rows if r["claim_id"] == judged.pk} == {"mostly_true"}
    table = csv.DictReader(io.StringIO(export(editor_api, "verdicts.csv")[1:]))
    assert [r["verdict"] for r in table if r["claim_id"] == str(judged.pk)] == [
        "mostly_true"
    ]
    reviews = json.loads(export(editor_api, "claimreview.jsonld"))
    assert [r["reviewRating"] for r in reviews] == [
        {
            "@type": "Rating",
            "ratingValue": 3,
            "bestRating": 4,
            "worstRating": 1,
            "alternateName": "Mostly true",
        }
    ]
    items = json.loads(export(editor_api, "annotations.jsonld"))["first"]["items"]
    assert [i["body"][0]["value"] for i in items] == ["mostly_true"]


def test_claimreview_uses_the_alternate_name_when_given(editor_api, judged):
    Rating.objects.filter(key="mostly_true").update(alternate_name="Mostly True")
    ratings.forget_scale()
    reviews = json.loads(export(editor_api, "claimreview.jsonld"))
    assert reviews[0]["reviewRating"]["alternateName"] == "Mostly True"


def test_the_export_filter_takes_a_fourth_rating(editor_api, judged, editor):
    other = claim_of(ArticleFactory(text=sentences(2, start=40)))
    services.set_verdict(
        claim=other,
        verdict=Verdict.VERIFIED,
        rationale="Yes.",
        editor=editor,
        expected_version=other.version,
    )
    rows = json.loads(export(editor_api, "verdicts.json?verdict=mostly_true"))
    assert [r["claim_id"] for r in rows] == [judged.pk]
