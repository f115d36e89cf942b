"""Claimants and appearances: who made a claim, where and when it appeared.

The service (annotations/services/claimants.py), its constraints, the panel's form,
the API action, the admin, and what the exports make of them.
"""

import csv
import datetime
import io
import json

import pytest
import schemathesis
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.test import APIClient

from annotations import exporters, roles, services
from annotations.models import Claim, Claimant, ClaimantType, Verdict
from annotations.services import claimants

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
from .helpers import API
from .test_api_fuzz import conforms

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def article(editor):
    return ArticleFactory(
        title="Nexusflow raises a round",
        text="Nexusflow raised $10.6 million. The team has 40 people.",
        url="https://news.example.org/nexusflow",
        publisher="Example News",
        published_on=datetime.date(2025, 6, 30),
        imported_by=editor,
    )


@pytest.fixture
def claim(article) -> Claim:
    return claim_of(article, 1)


def name_it(claim: Claim, editor, **fields) -> Claim:
    current = fresh(claim)
    values = {"name": "Jian Zhang", "role": "company founder", **fields}
    return claimants.set_claimant(
        claim=current, editor=editor, expected_version=current.version, **values
    )


# The service


def test_set_claimant_names_the_claimant_and_the_appearance(claim, editor):
    before = fresh(claim).version
    saved = name_it(
        claim,
        editor,
        appearance_url="https://video.example.org/interview",
        appearance_date=datetime.date(2025, 6, 28),
    )
    assert saved.claimant.name == "Jian Zhang"
    assert saved.claimant.type == ClaimantType.PERSON
    assert saved.claimant.role == "company founder"
    assert saved.appearance_url == "https://video.example.org/interview"
    assert saved.appearance_date == datetime.date(2025, 6, 28)
    assert saved.version == before + 1


def test_set_claimant_is_recorded_in_the_claims_history(claim, editor):
    name_it(claim, editor, appearance_url="https://example.org/a")
    record = Claim.history.filter(id=claim.pk).order_by("-history_id").first()
    assert record.history_change_reason == "claimant: Jian Zhang (company founder)"
    assert record.history_user == editor
    assert record.appearance_url == "https://example.org/a"
    assert record.claimant_id == fresh(claim).claimant_id


def test_the_same_claimant_is_found_again_whatever_the_case(article, editor):
    first = name_it(claim_of(article, 1), editor, role=None)
    second = name_it(claim_of(article, 2), editor, name="  jian   ZHANG ", role=None)
    assert second.claimant_id == first.claimant_id
    assert Claimant.objects.count() == 1


def test_a_person_and_an_organisation_may_share_a_name(article, editor):
    person = name_it(claim_of(article, 1), editor, name="Nexusflow")
    company = name_it(
        claim_of(article, 2),
        editor,
        name="Nexusflow",
        claimant_type=ClaimantType.ORGANISATION,
    )
    assert person.claimant_id != company.claimant_id


def test_a_role_given_replaces_the_claimants_and_none_keeps_it(article, editor):
    name_it(claim_of(article, 1), editor, role="founder")
    assert Claimant.objects.get().role == "founder"
    name_it(claim_of(article, 2), editor, role=None)
    assert Claimant.objects.get().role == "founder"
    name_it(claim_of(article, 2), editor, role="chief executive")
    assert Claimant.objects.get().role == "chief executive"


def test_a_blank_name_clears_the_claimant_and_the_appearance(claim, editor):
    name_it(claim, editor, appearance_url="https://example.org/a")
    cleared = name_it(claim, editor, name="  ", role=None)
    assert cleared.claimant is None
    assert cleared.appearance_url == ""
    record = Claim.history.filter(id=claim.pk).order_by("-history_id").first()
    assert record.history_change_reason == "claimant cleared"


def test_set_claimant_refuses_a_stale_version(claim, editor):
    stale = fresh(claim).version
    judge(claim, Verdict.VERIFIED, editor=editor)
    with pytest.raises(services.StaleVersion):
        claimants.set_claimant(
            claim=claim, editor=editor, expected_version=stale, name="Someone"
        )
    assert fresh(claim).claimant is None
    assert not Claimant.objects.exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"appearance_url": "ftp://example.org/file"}, "appearance_url"),
        ({"appearance_url": "javascript:alert(1)"}, "appearance_url"),
        ({"appearance_url": "https://user:pw@example.org/"}, "appearance_url"),
        ({"claimant_type": "robot"}, "type"),
        ({"name": "x" * 201}, "name"),
        ({"role": "x" * 201}, "role"),
        ({"name": "", "role": "founder"}, "name"),
        ({"appearance_date": datetime.date(2999, 1, 1)}, "appearance_date"),
    ],
)
def test_set_claimant_refuses_bad_input_naming_the_field(claim, editor, fields, code):
    with pytest.raises(ValidationError) as refused:
        name_it(claim, editor, **fields)
    assert refused.value.code == code
    assert fresh(claim).claimant is None


def test_only_editors_name_claimants(claim, viewer):
    with pytest.raises(PermissionDenied):
        name_it(claim, viewer)


def test_published_claims_take_a_claimant_without_losing_their_status(
    claim, editor, reviewer
):
    judge(claim, Verdict.VERIFIED, editor=editor)
    add_source(claim, added_by=editor)
    publish(claim, reviewer)
    saved = name_it(claim, editor)
    assert saved.status == "published"
    assert saved.claimant.name == "Jian Zhang"


def test_the_database_refuses_a_non_http_appearance(claim):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(appearance_url="ftp://example.org/")


def test_the_database_refuses_two_claimants_differing_only_in_case():
    Claimant.objects.create(name="Jian Zhang", type=ClaimantType.PERSON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claimant.objects.create(name="JIAN ZHANG", type=ClaimantType.PERSON)


def test_the_database_refuses_a_claimant_without_a_name_or_type():
    with pytest.raises(IntegrityError), transaction.atomic():
        Claimant.objects.create(name="", type=ClaimantType.PERSON)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claimant.objects.create(name="A", type="robot")


def test_update_claimant_refuses_a_name_already_taken(article, editor):
    name_it(claim_of(article, 1), editor, name="A")
    other = name_it(claim_of(article, 2), editor, name="B").claimant
    with pytest.raises(ValidationError) as refused:
        claimants.update_claimant(
            claimant=other, editor=editor, name="a", claimant_type="person", role=""
        )
    assert refused.value.code == "name"


# The panel


def panel_post(client, claim: Claim, **fields):
    data = {
        "name": "Jian Zhang",
        "claimant_type": "person",
        "role": "company founder",
        "appearance_url": "",
        "appearance_date": "",
        "version": fresh(claim).version,
        **fields,
    }
    return client.post(reverse("desk:claim_claimant", args=[claim.pk]), data, **HTMX)


def test_the_panel_form_saves_the_claimant(editor_client, claim):
    response = panel_post(
        editor_client, claim, appearance_url="https://example.org/talk"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Claimant saved." in body
    assert 'value="Jian Zhang"' in body
    assert fresh(claim).claimant.name == "Jian Zhang"
    assert fresh(claim).appearance_url == "https://example.org/talk"


def test_the_panel_form_works_without_javascript(editor_client, claim):
    data = {
        "name": "Example Corp",
        "claimant_type": "organisation",
        "role": "",
        "version": fresh(claim).version,
    }
    response = editor_client.post(reverse("desk:claim_claimant", args=[claim.pk]), data)
    assert response.status_code == 302
    page = editor_client.get(response["Location"])
    assert "Claimant saved." in page.content.decode()
    assert fresh(claim).claimant.type == ClaimantType.ORGANISATION


def test_the_panel_shows_a_bad_address_next_to_its_field(editor_client, claim):
    response = panel_post(editor_client, claim, appearance_url="ftp://example.org/")
    body = response.content.decode()
    assert "Enter a full http:// or https:// address" in body
    assert 'id="claimant-appearance_url"' in body
    assert fresh(claim).claimant is None


def test_the_panel_refuses_a_stale_claimant_form(editor_client, claim, editor):
    version = fresh(claim).version
    judge(claim, Verdict.VERIFIED, editor=editor)
    response = panel_post(editor_client, claim, version=version)
    assert "changed by someone else" in response.content.decode()
    assert fresh(claim).claimant is None


def test_viewers_see_the_claimant_but_no_form(client, viewer, claim, editor):
    name_it(claim, editor)
    client.force_login(viewer)
    response = client.get(reverse("desk:claim_panel", args=[claim.pk]), **HTMX)
    body = response.content.decode()
    assert 'id="claimant-view"' in body
    assert "Jian Zhang" in body
    assert 'id="claimant-form"' not in body
    refused = panel_post(client, claim, role="someone else")
    assert str(roles.NOT_ALLOWED[roles.EDIT]) in refused.content.decode()
    assert fresh(claim).claimant.role == "company founder"


def test_the_name_field_completes_claimants_used_before(editor_client, article, editor):
    name_it(claim_of(article, 2), editor, name="Li Wei", role="spokesperson")
    response = editor_client.get(
        reverse("desk:claim_panel", args=[claim_of(article).pk]), **HTMX
    )
    body = response.content.decode()
    assert 'list="claimant-names"' in body
    names_url = reverse("desk:claimant_names")
    assert f'hx-get="{names_url}"' in body
    assert "Li Wei" not in body  # fetched when the field is focused
    with CaptureQueriesContext(connection) as context:
        names = editor_client.get(names_url, **HTMX).content.decode()
    assert '<option value="Li Wei">Person, spokesperson</option>' in names
    # Session, user and the one query of the names, however many there are.
    assert len(context) <= 3


def test_only_editors_get_the_claimant_names(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("desk:claimant_names")).status_code == 403


def panel_queries(client, claim: Claim) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("desk:claim_panel", args=[claim.pk]), **HTMX)
    assert response.status_code == 200
    return len(context)


def test_the_panels_queries_do_not_grow_with_claimants(editor_client, editor):
    article = ArticleFactory(text=sentences(40), imported_by=editor)
    units = list(article.claims.order_by("position"))
    name_it(units[1], editor, name="Claimant 1")
    few = panel_queries(editor_client, units[0])
    for n, unit in enumerate(units[2:], start=2):
        name_it(unit, editor, name=f"Claimant {n}")
    many = panel_queries(editor_client, units[0])
    assert Claimant.objects.count() == 39
    assert many == few


# The API


def api_post(client, claim: Claim, body: dict, **headers):
    return client.post(
        f"{API}/claims/{claim.pk}/claimant/", body, format="json", **headers
    )


def test_the_api_sets_and_shows_the_claimant(editor_api, claim):
    body = {
        "name": "Nexusflow",
        "type": "organisation",
        "role": "the company",
        "appearance_url": "https://nexusflow.example/press",
        "appearance_date": "2025-06-28",
        "version": fresh(claim).version,
    }
    response = api_post(editor_api, claim, body)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["claimant"] == {
        "name": "Nexusflow",
        "type": "organisation",
        "role": "the company",
    }
    assert data["appearance_url"] == "https://nexusflow.example/press"
    assert data["appearance_date"] == "2025-06-28"
    assert response["ETag"] == f'"{fresh(claim).version}"'
    shown = editor_api.get(f"{API}/claims/{claim.pk}/").json()
    assert shown["claimant"]["name"] == "Nexusflow"


def test_the_api_shows_no_claimant_as_null(editor_api, claim):
    data = editor_api.get(f"{API}/claims/{claim.pk}/").json()
    assert data["claimant"] is None
    assert data["appearance_url"] == ""
    assert data["appearance_date"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A", "appearance_url": "ftp://x.example/"}, "appearance_url"),
        ({"name": "A", "appearance_date": "2999-01-01"}, "appearance_date"),
        ({"name": "A", "appearance_date": "yesterday"}, "appearance_date"),
        ({"name": "A", "type": "robot"}, "type"),
        ({"name": 5}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "claimant": "B"}, "claimant"),
        ({"name": "", "role": "founder"}, "name"),
    ],
)
def test_the_api_refuses_bad_claimants_naming_the_field(editor_api, claim, body, field):
    response = api_post(editor_api, claim, {**body, "version": fresh(claim).version})
    assert response.status_code == 400
    assert field in response.json()
    assert fresh(claim).claimant is None


def test_the_api_refuses_a_stale_version_and_wants_one(editor_api, claim, editor):
    version = fresh(claim).version
    judge(claim, Verdict.VERIFIED, editor=editor)
    assert (
        api_post(editor_api, claim, {"name": "A", "version": version}).status_code
        == 412
    )
    assert api_post(editor_api, claim, {"name": "A"}).status_code == 428


def test_the_api_refuses_viewers(viewer, claim):
    client = APIClient()
    client.force_login(viewer)
    response = api_post(client, claim, {"name": "A", "version": 1})
    assert response.status_code == 403


def test_the_openapi_schema_documents_the_claimant(editor_api):
    schema = editor_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/claims/{id}/claimant/"]["post"]
    assert operation["summary"].startswith("Say who made a claim")
    claim_fields = schema["components"]["schemas"]["Claim"]["properties"]
    assert {"claimant", "appearance_url", "appearance_date"} <= set(claim_fields)
    claimant_input = schema["components"]["schemas"]["ClaimantInputRequest"]
    assert claimant_input["additionalProperties"] is False


# The admin


def test_the_claimant_admin_searches_by_name(client, editor, article):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    for n in range(2):
        name_it(claim_of(article, n + 1), editor, name=f"Person {n}")
    client.force_login(admin)
    response = client.get(reverse("admin:annotations_claimant_changelist"), {"q": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Person 1" in body
    assert "Person 0" not in body


def test_the_claim_admin_sets_the_claimant_through_the_service(client, editor, claim):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    company = Claimant.objects.create(name="Nexusflow", type="organisation")
    current = fresh(claim)
    client.force_login(admin)
    response = client.post(
        reverse("admin:annotations_claim_change", args=[claim.pk]),
        {
            "kind": current.kind,
            "verdict": current.verdict,
            "rationale": current.rationale,
            "claimant": company.pk,
            "appearance_url": "https://example.org/press",
            "appearance_date": "2025-06-01",
            "expected_version": current.version,
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
            "sources-MIN_NUM_FORMS": "0",
            "sources-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = fresh(claim)
    assert saved.claimant == company
    assert saved.appearance_date == datetime.date(2025, 6, 1)
    assert saved.version == current.version + 1
    record = Claim.history.filter(id=claim.pk).order_by("-history_id").first()
    assert record.history_change_reason == "claimant: Nexusflow"


# Exports


def export_row(claim: Claim) -> dict:
    return next(exporters.export_rows(Claim.objects.filter(pk=claim.pk)))


def valid_claim_review(review: dict) -> list[str]:
    """What Google's ClaimReview guide requires, as far as a test can check."""
    problems = []
    for key in ("url", "claimReviewed", "author", "reviewRating", "itemReviewed"):
        if key not in review:
            problems.append(f"missing {key}")
    rating = review.get("reviewRating", {})
    if not {"ratingValue", "bestRating", "worstRating"} <= set(rating):
        problems.append("incomplete reviewRating")
    item = review.get("itemReviewed", {})
    author = item.get("author", {})
    if item.get("@type") != "Claim":
        problems.append("itemReviewed is not a Claim")
    if author.get("@type") not in ("Person", "Organization"):
        problems.append("claim author is neither a Person nor an Organization")
    if not str(author.get("name", "")).strip():
        problems.append("claim author has no name")
    appearance = item.get("appearance")
    if appearance is not None and (
        appearance.get("@type") != "CreativeWork" or not appearance.get("url")
    ):
        problems.append("appearance is not a CreativeWork with a url")
    return problems


def review_of(claim: Claim) -> dict:
    return exporters.claim_review(
        export_row(claim), url="https://desk.example/r/1/", organisation="Desk"
    )


def test_claimreview_names_a_person_claimant_as_the_claims_author(claim, editor):
    judge(claim, Verdict.MISSTATED, editor=editor)
    name_it(
        claim,
        editor,
        appearance_url="https://video.example.org/interview",
        appearance_date=datetime.date(2025, 6, 28),
    )
    review = review_of(claim)
    assert valid_claim_review(review) == []
    item = review["itemReviewed"]
    assert item["author"] == {
        "@type": "Person",
        "name": "Jian Zhang",
        "jobTitle": "company founder",
    }
    assert item["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://video.example.org/interview",
        "datePublished": "2025-06-28",
    }
    assert item["datePublished"] == "2025-06-28"


def test_claimreview_names_an_organisation_claimant(claim, editor):
    judge(claim, Verdict.VERIFIED, editor=editor)
    name_it(claim, editor, name="Nexusflow", claimant_type="organisation", role="")
    review = review_of(claim)
    assert valid_claim_review(review) == []
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Nexusflow",
    }


def test_claimreview_without_a_claimant_falls_back_to_the_article(claim, editor):
    judge(claim, Verdict.VERIFIED, editor=editor)
    review = review_of(claim)
    assert valid_claim_review(review) == []
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Organization", "name": "Example News"}
    assert item["appearance"] == {
        "@type": "CreativeWork",
        "url": "https://news.example.org/nexusflow",
        "datePublished": "2025-06-30",
    }


def annotation_of(claim: Claim) -> dict:
    return exporters.web_annotation(
        export_row(claim),
        claim_url="https://desk.example/api/v1/claims/{id}/",
        article_url="https://desk.example/api/v1/articles/{id}/",
        user_url="https://desk.example/api/v1/users/{username}",
    )


def test_w3c_annotation_identifies_the_claimant_and_targets_the_appearance(
    claim, editor
):
    judge(claim, Verdict.DISPUTED, editor=editor)
    name_it(
        claim,
        editor,
        appearance_url="https://video.example.org/interview",
        appearance_date=datetime.date(2025, 6, 28),
    )
    annotation = annotation_of(claim)
    assert {
        "type": "TextualBody",
        "purpose": "identifying",
        "value": "Jian Zhang (Person, company founder)",
        "format": "text/plain",
    } in annotation["body"]
    article_target, appearance = annotation["target"]
    assert article_target["source"] == "https://news.example.org/nexusflow"
    assert appearance == {
        "source": "https://video.example.org/interview",
        "state": {"type": "TimeState", "sourceDate": "2025-06-28T00:00:00Z"},
    }


def test_w3c_annotation_without_claimant_keeps_one_target(claim, editor):
    judge(claim, Verdict.DISPUTED, editor=editor)
    annotation = annotation_of(claim)
    assert isinstance(annotation["target"], dict)
    assert all(body.get("purpose") != "identifying" for body in annotation["body"])


def test_csv_and_json_exports_carry_the_claimant_columns(editor_api, claim, editor):
    judge(claim, Verdict.DISPUTED, editor=editor)
    name_it(claim, editor, appearance_date=datetime.date(2025, 6, 28))
    rows = json.loads(
        b"".join(editor_api.get(f"{API}/export/verdicts.json").streaming_content)
    )
    row = next(row for row in rows if row["claim_id"] == claim.pk)
    assert row["claimant"] == "Jian Zhang"
    assert row["claimant_type"] == "person"
    assert row["claimant_role"] == "company founder"
    assert row["appearance_url"] == ""
    assert row["appearance_date"] == "2025-06-28"
    text = b"".join(
        editor_api.get(f"{API}/export/verdicts.csv").streaming_content
    ).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    line = next(line for line in table if line["claim_id"] == str(claim.pk))
    assert line["claimant"] == "Jian Zhang"
    assert line["appearance_date"] == "2025-06-28"


def test_appearance_dates_up_to_today_are_accepted(claim, editor):
    today = timezone.localdate()
    assert name_it(claim, editor, appearance_date=today).appearance_date == today


# What the OpenAPI schema says of these answers (as the fuzzer checks them)


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker) -> schemathesis.schemas.BaseSchema:
    """The schema as schemathesis reads it (tests/test_api_fuzz.py's way)."""
    with django_db_blocker.unblock():  # the rating scale is data
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(generated))
    )


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/claims/{claim}/", "/claims/{id}/"),
        ("/claims/", "/claims/"),
        ("/export/verdicts.json", "/export/verdicts.json"),
        ("/export/claimreview.jsonld", "/export/claimreview.jsonld"),
        ("/export/annotations.jsonld", "/export/annotations.jsonld"),
    ],
)
def test_answers_with_a_claimant_conform_to_the_schema(
    editor_api, openapi, claim, editor, reviewer, url, path
):
    judge(claim, Verdict.VERIFIED, editor=editor)
    add_source(claim, added_by=editor)
    publish(claim, reviewer)
    name_it(
        claim,
        editor,
        appearance_url="https://example.org/talk",
        appearance_date=datetime.date(2025, 6, 28),
    )
    response = editor_api.get(API + url.format(claim=claim.pk))
    assert response.status_code == 200
    body = conforms(openapi, response, "get", path)
    assert b"Jian Zhang" in body


def test_the_claimant_actions_answer_conforms_to_the_schema(editor_api, openapi, claim):
    body = {"name": "A", "type": "person", "version": fresh(claim).version}
    response = api_post(editor_api, claim, body)
    assert response.status_code == 200
    conforms(openapi, response, "post", "/claims/{id}/claimant/")
    refused = api_post(
        editor_api, claim, {**body, "appearance_url": "ftp://x.example/"}
    )
    conforms(openapi, refused, "post", "/claims/{id}/claimant/")
