"""What fuzzing the API from its own schema found (.ci/fuzz_api.sh), one test
per kind of failure, so each stays fixed without a fuzzing run:

- answers that broke their documented schema (ST108): null usernames, an
  article with no address, a source address that is an IRI, exports that
  were documented as bytes of any type;
- statuses nobody documented (ST103): a list's 400 and its bad cursor's 404;
- schema-violating requests that were accepted (ST201): blank query values
  taken for "no filter", numbers sent as text and text as numbers, an empty
  assignee taken for null, a form's empty date taken for none;
- schema-valid requests that were refused (ST202): the schema now states what
  the server refuses (If-Match's form, http(s) addresses, text that must not
  be blank, no NUL, no unknown fields, a correction's verdict, required
  bodies).

Answers are checked against the schema by schemathesis itself.
"""

from __future__ import annotations

import json
import re

import pytest
import requests
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from annotations import services
from annotations.api.schema import IF_MATCH_PATTERN, NO_NUL
from annotations.api.serializers import HTTP_URL, MAX_ID, NOT_BLANK
from annotations.models import Verdict
from annotations.services import reviewing, versions

from .factories import (
    ArticleFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    publish,
    sentences,
)
from .helpers import API, claim_url

pytestmark = pytest.mark.django_db

ON_A_LINE = "First sentence here. Second sentence there.\nThird line."
EXPORTS = {
    "verdicts.json": "application/json",
    "verdicts.csv": "text/csv",
    "claimreview.jsonld": "application/ld+json",
    "annotations.jsonld": "application/ld+json",
}


@pytest.fixture(scope="module")
def raw_schema(django_db_setup, django_db_blocker) -> dict:
    """The OpenAPI schema, as /api/schema/ serves it (the rating scale, data,
    names the verdict counts)."""
    with django_db_blocker.unblock():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


@pytest.fixture(scope="module")
def openapi(raw_schema):
    """The schema as schemathesis reads it, to judge answers as the fuzzer does."""
    return schemathesis.openapi.from_dict(raw_schema)


def conforms(openapi, response, method: str, path: str) -> bytes:
    """Assert that ``response`` is documented for the operation and matches its
    schema (schemathesis' ST103 and ST108 checks); the body."""
    operation = openapi[f"{API}{path}"][method]
    documented = operation.definition.raw["responses"]
    assert str(response.status_code) in documented, (response.status_code, documented)
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    answer = schemathesis.Response(
        status_code=response.status_code,
        headers={name: [value] for name, value in response.headers.items()},
        content=content,
        request=requests.Request(method.upper(), "http://testserver/").prepare(),
        elapsed=0.0,
        verify=True,
    )
    operation.validate_response(answer)
    return content


def component(raw_schema: dict, operation: dict, media_type: str) -> dict:
    ref = operation["requestBody"]["content"][media_type]["schema"]["$ref"]
    return raw_schema["components"]["schemas"][ref.rpartition("/")[2]]


def parameter(raw_schema: dict, path: str, method: str, name: str) -> dict:
    operation = raw_schema["paths"][f"{API}{path}"][method]
    (found,) = [p for p in operation["parameters"] if p["name"] == name]
    return found["schema"]


@pytest.fixture
def article(editor):
    return ArticleFactory(text=ON_A_LINE, url="", imported_by=editor)


# ST108: answers that did not match their documented schema


def test_a_claim_nobody_judged_approved_or_assigned_conforms(
    editor_api, openapi, article
):
    claim = claim_of(article)
    body = conforms(openapi, editor_api.get(claim_url(claim)), "get", "/claims/{id}/")
    assert json.loads(body)["verdict_by"] is None
    listed = editor_api.get(f"{API}/claims/", {"article": article.pk})
    conforms(openapi, listed, "get", "/claims/")
    stale = editor_api.patch(
        claim_url(claim), {"verdict": "verified", "version": 9}, format="json"
    )
    assert stale.status_code == 412
    body = conforms(openapi, stale, "patch", "/claims/{id}/")
    assert json.loads(body)["assignee"] is None


def test_a_search_result_without_a_verdict_author_conforms(editor_api, openapi):
    ArticleFactory(text="Nexusflow was founded in 2023.")
    response = editor_api.get(f"{API}/search/", {"q": "Nexusflow"})
    body = json.loads(conforms(openapi, response, "get", "/search/"))
    assert body["results"][0]["verdict_by"] is None


def test_an_article_without_an_address_conforms(editor_api, openapi, article):
    conforms(openapi, editor_api.get(f"{API}/articles/"), "get", "/articles/")
    detail = editor_api.get(f"{API}/articles/{article.pk}/")
    assert json.loads(conforms(openapi, detail, "get", "/articles/{id}/"))["url"] == ""
    created = editor_api.post(
        f"{API}/articles/", {"title": "No address", "text": "One. Two."}, format="json"
    )
    assert created.status_code == 201
    conforms(openapi, created, "post", "/articles/")


def test_a_source_address_with_other_than_ascii_in_its_path_conforms(
    editor_api, openapi, article, editor
):
    # The validator takes an IRI; format "uri" would not.
    claim = claim_of(article)
    source = add_source(
        claim, url="https://example.org/报道/\U000db68e", added_by=editor
    )
    response = editor_api.get(f"{API}/sources/{source.pk}/")
    conforms(openapi, response, "get", "/sources/{id}/")
    conforms(openapi, editor_api.get(claim_url(claim)), "get", "/claims/{id}/")


@pytest.fixture
def world(editor, reviewer):
    """One of everything the API reads: versions, a published verdict with a
    source, a correction and a comment, a claim checked before elsewhere."""
    article = ArticleFactory(text=sentences(3), imported_by=editor)
    claim = claim_of(article, 2)
    judge(claim, Verdict.VERIFIED, "Checked the filing.", editor=editor)
    add_source(claim, added_by=editor)
    publish(claim, reviewer)
    services.add_comment(claim=claim, author=editor, text="Which filing?")
    reviewing.propose_correction(
        claim=fresh(claim),
        editor=editor,
        verdict=Verdict.DISPUTED,
        rationale="Two filings disagree.",
        reason="A second filing.",
        expected_version=fresh(claim).version,
    )
    versions.import_new_version(
        article=article, text=sentences(3) + "\nOne more line.", imported_by=editor
    )
    ArticleFactory(text=sentences(2, start=1), imported_by=editor)
    return {"article": article, "claim": claim, "source": claim.sources.get()}


READS = [
    ("/articles/", "/articles/"),
    ("/articles/{article}/", "/articles/{id}/"),
    ("/articles/{article}/versions/", "/articles/{id}/versions/"),
    ("/articles/{article}/versions/1/", "/articles/{id}/versions/{number}/"),
    ("/articles/{article}/versions/1/?diff=true", "/articles/{id}/versions/{number}/"),
    ("/claims/", "/claims/"),
    ("/claims/?orphaned=true", "/claims/"),
    ("/claims/{claim}/", "/claims/{id}/"),
    ("/claims/{claim}/comments/", "/claims/{id}/comments/"),
    ("/claims/{claim}/corrections/", "/claims/{id}/corrections/"),
    ("/claims/{claim}/history/", "/claims/{id}/history/"),
    ("/claims/{claim}/matches/", "/claims/{id}/matches/"),
    ("/sources/{source}/", "/sources/{id}/"),
    ("/search/?q=Sentence", "/search/"),
]


@pytest.mark.parametrize(("url", "path"), READS)
def test_every_read_conforms_to_the_schema(editor_api, openapi, world, url, path):
    ids = {name: world[name].pk for name in ("article", "claim", "source")}
    response = editor_api.get(API + url.format(**ids))
    assert response.status_code == 200, response.content
    conforms(openapi, response, "get", path)


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("who", ["anon", "editor_api"])
def test_exports_conform_to_their_documented_media_type(
    request, openapi, world, name, who
):
    client = request.getfixturevalue(who)
    response = client.get(f"{API}/export/{name}")
    assert response["Content-Type"].startswith(EXPORTS[name])
    body = conforms(openapi, response, "get", f"/export/{name}")
    assert body  # a JSON array or object, or CSV rows, not bytes of any type


# ST103: statuses the schema did not document


@pytest.mark.parametrize("path", ["/articles/", "/claims/", "/search/"])
@pytest.mark.parametrize(
    ("params", "status_code"),
    [({"unknown": "1"}, 400), ({"cursor": "garbage"}, 404)],
)
def test_lists_document_their_refusals(editor_api, openapi, path, params, status_code):
    response = editor_api.get(f"{API}{path}", {"q": "x", **params})
    assert response.status_code == status_code
    conforms(openapi, response, "get", path)


# ST201: requests that broke the schema and were accepted


@pytest.mark.parametrize(
    ("path", "name"),
    [
        *[(f"/export/{export}", name) for export in EXPORTS for name in ("status",)],
        ("/export/verdicts.json", "verdict"),
        ("/export/verdicts.csv", "updated_since"),
        ("/export/annotations.jsonld", "article"),
        ("/claims/", "verdict"),
        ("/claims/", "status"),
        ("/claims/", "assignee"),
        ("/claims/", "orphaned"),
        ("/claims/", "article"),
        ("/claims/", "min_checkworthiness"),
        ("/articles/", "language"),
        ("/search/", "from"),
    ],
)
def test_a_blank_query_value_is_refused_not_taken_for_no_filter(
    editor_api, raw_schema, path, name
):
    schema = parameter(raw_schema, path, "get", name)
    # Blank breaks the parameter's schema (an enum, a format, a number, a
    # minimum length).
    assert {"enum", "format", "minLength"} & set(schema) or schema["type"] != "string"
    params = {"q": "Sentence"} if path == "/search/" else {}
    response = editor_api.get(f"{API}{path}", {**params, name: ""})
    assert response.status_code == 400
    assert name in response.json()


def test_a_blank_diff_or_version_is_refused(editor_api, world):
    article, source = world["article"], world["source"]
    diff = editor_api.get(f"{API}/articles/{article.pk}/versions/1/", {"diff": ""})
    assert diff.status_code == 400
    assert list(diff.json()) == ["diff"]
    delete = editor_api.delete(f"{API}/sources/{source.pk}/?version=")
    assert delete.status_code == 400
    assert list(delete.json()) == ["version"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "https://example.org/a", "title": 5}, "title"),
        ({"url": 5, "title": "Five"}, "url"),
        ({"url": "https://example.org/a", "title": "T", "version": "1"}, "version"),
        ({"url": "https://example.org/a", "title": "T", "version": True}, "version"),
        ({"url": "https://example.org/a", "title": "T", "version": 1.0}, "version"),
        ({"url": "https://example.org/a", "title": "T", "quote": ["q"]}, "quote"),
    ],
)
def test_a_json_body_must_carry_the_documented_types(editor_api, article, body, field):
    claim = claim_of(article)
    response = editor_api.post(claim_url(claim, "sources"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not claim.sources.exists()


@pytest.mark.parametrize("version", [0, MAX_ID + 1, "3"])
def test_a_claim_version_out_of_range_or_as_text_is_refused(
    editor_api, article, version
):
    claim = claim_of(article)
    response = editor_api.patch(
        claim_url(claim), {"rationale": "Why.", "version": version}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert fresh(claim).version == claim.version


def test_an_empty_assignee_is_refused_not_taken_for_null(editor_api, article, editor):
    claim = claim_of(article)
    services.assign_claim(claim=claim, assignee=editor, by=editor, expected_version=1)
    response = editor_api.post(
        claim_url(claim, "assign"), {"assignee": "", "version": 2}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["assignee"]
    assert fresh(claim).assignee == editor


def test_a_forms_empty_date_is_refused_not_taken_for_none(editor_api, raw_schema):
    operation = raw_schema["paths"][f"{API}/articles/"]["post"]
    form = component(raw_schema, operation, "multipart/form-data")
    assert form["properties"]["published_on"] == {"type": "string", "format": "date"}
    upload = SimpleUploadedFile("story.txt", b"From the file. Really.")
    response = editor_api.post(
        f"{API}/articles/",
        {"title": "Dated", "published_on": "", "file": upload},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["published_on"]


def test_claim_writes_take_json_only(editor_api, article, raw_schema):
    claim = claim_of(article)
    operation = raw_schema["paths"][f"{API}/claims/{{id}}/"]["patch"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    response = editor_api.patch(
        claim_url(claim), {"rationale": "Why.", "version": "1"}, format="multipart"
    )
    assert response.status_code == 415
    assert fresh(claim).version == claim.version


# ST202: requests that matched the schema and were refused


def test_if_match_is_documented_as_the_server_reads_it(editor_api, raw_schema):
    schema = parameter(raw_schema, "/claims/{id}/", "patch", "If-Match")
    assert schema["pattern"] == IF_MATCH_PATTERN
    article = ArticleFactory(text=ON_A_LINE)
    for n, tag in enumerate(['"1"', 'W/"2"', "3"]):
        claim = claim_of(article, 1)
        assert re.search(IF_MATCH_PATTERN, tag)
        response = editor_api.patch(
            claim_url(claim),
            {"rationale": f"Reason {n}."},
            format="json",
            HTTP_IF_MATCH=tag,
        )
        assert response.status_code == 200, (tag, response.content)
    for tag in ["", '"x"', '"1', "1" * 19]:
        assert not re.search(IF_MATCH_PATTERN, tag)
        response = editor_api.patch(
            claim_url(claim_of(article)),
            {"rationale": "Again."},
            format="json",
            HTTP_IF_MATCH=tag,
        )
        assert response.status_code == 400, tag
        assert list(response.json()) == ["If-Match"]


ADDRESSES = [
    ("https://example.org/profile", True),
    (" HTTP://Example.ORG:8080/a?b=c#d ", True),
    ("http://localhost/x", True),
    ("http://192.168.0.1/", True),
    ("https://a-b.c-d.example.co.uk/报道", True),
    ("0", False),
    ("javascript:alert(1)", False),
    ("ftp://example.org/file", False),
    ("http://example", False),
    ("http://-bad.example.org/", False),
    ("https://example.org/a b", False),
    ("http://256.1.1.1/", False),
    ("https://user:secret@example.org/", False),
    ("https://example.org/\u202egpj.exe", False),
    ("https://example.org/\u2067x", False),
    ("https://example.org/?by=a@b.org", True),
]


@pytest.mark.parametrize(("url", "valid"), ADDRESSES)
def test_the_documented_address_pattern_agrees_with_the_server(
    editor_api, raw_schema, article, url, valid
):
    operation = raw_schema["paths"][f"{API}/claims/{{id}}/sources/"]["post"]
    pattern = component(raw_schema, operation, "application/json")["properties"]["url"][
        "pattern"
    ]
    assert bool(re.search(pattern, url)) == valid
    response = editor_api.post(
        claim_url(claim_of(article), "sources"),
        {"url": url, "title": "Evidence"},
        format="json",
    )
    assert response.status_code == (201 if valid else 400), response.content


@pytest.mark.parametrize(
    ("path", "method", "field"),
    [
        ("/claims/{id}/comments/", "post", "text"),
        ("/claims/{id}/corrections/", "post", "reason"),
        ("/claims/{id}/reject/", "post", "comment"),
        ("/claims/{id}/sources/", "post", "title"),
        ("/articles/", "post", "text"),
        ("/articles/{id}/versions/", "post", "text"),
    ],
)
def test_text_the_services_require_is_documented_as_not_blank(
    raw_schema, path, method, field
):
    operation = raw_schema["paths"][f"{API}{path}"][method]
    body = component(raw_schema, operation, "application/json")
    assert body["properties"][field]["pattern"] == NOT_BLANK
    for blank in ["", "  \n\t", "\u3000"]:
        assert not re.search(NOT_BLANK, blank)
    assert re.search(NOT_BLANK, " 有 ")
    # An import's JSON body: the text (title optional), or the link alone.
    alternatives = [body, *body.get("oneOf", [])[:1]]
    required = {name for alt in alternatives for name in alt.get("required", [])}
    assert field in required or path == "/claims/{id}/reject/"


@pytest.mark.parametrize("text", ["", "   ", "\u3000"])
def test_a_blank_comment_is_refused_as_documented(editor_api, article, text):
    response = editor_api.post(
        claim_url(claim_of(article), "comments"), {"text": text}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["text"]


def test_search_documents_that_q_needs_a_word(raw_schema, editor_api):
    schema = parameter(raw_schema, "/search/", "get", "q")
    assert schema == {"type": "string", "maxLength": 200, "pattern": NOT_BLANK}
    assert editor_api.get(f"{API}/search/", {"q": " \t"}).status_code == 400


def test_a_correction_is_documented_without_the_unreviewed_verdict(
    raw_schema, editor_api, editor, reviewer
):
    operation = raw_schema["paths"][f"{API}/claims/{{id}}/corrections/"]["post"]
    verdict = component(raw_schema, operation, "application/json")["properties"][
        "verdict"
    ]
    assert verdict["not"] == {"enum": ["unreviewed"]}
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    judge(claim, Verdict.VERIFIED, editor=editor)
    add_source(claim, added_by=editor)
    published = publish(claim, reviewer)
    response = editor_api.post(
        claim_url(claim, "corrections"),
        {
            "reason": "Why.",
            "verdict": "unreviewed",
            "rationale": "Hm.",
            "version": published.version,
        },
        format="json",
    )
    assert response.status_code == 400


def test_request_bodies_are_documented_without_other_fields(raw_schema):
    bodies = [
        (path, method, media)
        for path, item in raw_schema["paths"].items()
        for method, operation in item.items()
        for media in operation.get("requestBody", {}).get("content", {})
    ]
    assert len(bodies) > 12
    for path, method, media in bodies:
        operation = raw_schema["paths"][path][method]
        assert component(raw_schema, operation, media)["additionalProperties"] is False


def test_every_string_a_client_sends_is_documented_without_nul(raw_schema):
    strings = []

    def walk(schema: dict) -> None:
        if schema.get("type") == "string":
            strings.append(schema)
        for value in schema.get("properties", {}).values():
            walk(value)

    for name, schema in raw_schema["components"]["schemas"].items():
        if name.endswith("Request"):
            walk(schema)
    for item in raw_schema["paths"].values():
        for operation in item.values():
            for found in operation.get("parameters", []):
                walk(found["schema"])
    assert len(strings) > 30
    for schema in strings:
        if not {"enum", "format"} & set(schema):
            assert not re.search(schema["pattern"], "a\x00b"), schema
    assert re.search(NO_NUL, "没有 NUL")


def test_nul_is_refused_where_the_schema_says_so(editor_api, article):
    assert editor_api.get(f"{API}/claims/", {"q": "a\x00b"}).status_code == 400
    response = editor_api.post(
        claim_url(claim_of(article), "comments"), {"text": "a\x00b"}, format="json"
    )
    assert response.status_code == 400


def test_an_import_documents_its_required_body(raw_schema, editor_api):
    operation = raw_schema["paths"][f"{API}/articles/"]["post"]
    assert operation["requestBody"]["required"] is True
    json_body = component(raw_schema, operation, "application/json")
    assert json_body["oneOf"] == [
        {"required": ["text"]},
        {
            "required": ["url"],
            "properties": {"url": {"pattern": HTTP_URL}},
            "not": {"required": ["text"]},
        },
    ]
    assert "file" not in json_body["properties"]
    response = editor_api.post(f"{API}/articles/")
    assert response.status_code == 400


def test_an_import_from_a_link_is_refused_as_documented_when_fetching_is_off(
    editor_api, settings
):
    settings.FETCH_ENABLED = False

    response = editor_api.post(
        f"{API}/articles/", {"url": "https://example.org/story"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "link_off"
    assert "Fetching links is turned off" in response.json()["url"][0]


def test_page_size_is_documented_as_taking_any_value(raw_schema, editor_api):
    # An unusable page size is ignored, not refused: the schema must not call
    # it invalid.
    assert parameter(raw_schema, "/claims/", "get", "page_size") == {}
    assert editor_api.get(f"{API}/claims/", {"page_size": "{}"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "name", "low", "high"),
    [
        ("/claims/", "article", 1, MAX_ID),
        ("/claims/", "min_checkworthiness", 0, 1),
        ("/export/verdicts.json", "article", 1, MAX_ID),
        ("/articles/{id}/versions/{number}/", "number", 1, 999_999_999),
    ],
)
def test_numbers_are_documented_with_the_range_the_server_takes(
    raw_schema, path, name, low, high
):
    schema = parameter(raw_schema, path, "get", name)
    assert (schema["minimum"], schema["maximum"]) == (low, high)


def test_numbers_outside_the_documented_range_are_refused(editor_api):
    for params in ({"article": 0}, {"min_checkworthiness": 1.5}):
        assert editor_api.get(f"{API}/claims/", params).status_code == 400
    export = editor_api.get(f"{API}/export/verdicts.json", {"article": MAX_ID + 1})
    assert export.status_code == 400


def test_text_too_long_is_refused_even_when_its_spaces_would_be_trimmed(
    editor_api, article, editor
):
    source = add_source(claim_of(article), added_by=editor)
    title = "\r" + "*" * 500  # 501 characters: DRF would trim it to 500
    response = editor_api.patch(
        f"{API}/sources/{source.pk}/", {"title": title}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert (
        editor_api.patch(
            f"{API}/sources/{source.pk}/", {"title": title[1:]}, format="json"
        ).status_code
        == 200
    )


def test_the_documented_address_pattern_spells_out_the_spaces_it_takes(raw_schema):
    # "\s" is not the same set in every engine: \x1e is a space to Python's
    # str.strip() and to the validator, not to ECMAScript.
    operation = raw_schema["paths"][f"{API}/claims/{{id}}/sources/"]["post"]
    pattern = component(raw_schema, operation, "application/json")["properties"]["url"][
        "pattern"
    ]
    assert "\\s" not in pattern and "\\s" not in NOT_BLANK
    assert not re.search(pattern, "http://example.org/a\x1eb")
    assert re.search(pattern, "\x1e http://example.org/a \u3000")
