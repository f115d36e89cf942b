"""The REST API (/api/v1/) as a client sees it: status, body, and what is stored."""

import base64
import datetime
import hashlib
import json
from collections import OrderedDict
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models.sql.compiler import SQLCompiler
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers as drf
from rest_framework.test import APIClient

from annotations import importing, queries, roles, services
from annotations.api.filters import ClaimFilter
from annotations.api.parsing import BAD_IF_MATCH, PRECONDITION_REQUIRED
from annotations.api.permissions import EditorOrReadOnly
from annotations.api.serializers import ClaimSerializer
from annotations.models import (
    ApiToken,
    Article,
    Claim,
    Job,
    JobKind,
    Kind,
    Source,
    Stance,
    Verdict,
)
from annotations.queries import prepared

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    fresh,
    judge,
    make_editor,
    publish,
    sentences,
)
from .helpers import API, claim_url, queries_for, stored

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"  # the factory's password
ON_A_LINE = "First sentence here. Second sentence there.\nThird line."
EXPORTS = (
    f"{API}/export/verdicts.json",
    f"{API}/export/verdicts.csv",
    f"{API}/export/claimreview.jsonld",
    f"{API}/export/annotations.jsonld",
)
NOT_SIGNED_IN = "Authentication credentials were not provided."
ZH = "您好，世界。这是第二句话，用于测试编码。"


@pytest.fixture
def reader():
    """Signed in as a viewer: may read, not change claims."""
    return UserFactory(username="reader", role="viewer")


def sign_in(client: APIClient, username: str) -> bool:
    """A real sign-in with the password (django-axes wants the request)."""
    request = RequestFactory().post("/accounts/login/")
    return client.login(request=request, username=username, password=PASSWORD)


@pytest.fixture
def reader_api(reader):
    client = APIClient()
    client.force_login(reader)
    return client


def send(client, method: str, url: str, data=None, **headers):
    """A request with a JSON body (GET sends ``data`` as the query string)."""
    if method == "get":
        return client.get(url, data, **headers)
    return getattr(client, method)(url, data, format="json", **headers)


def ids_in(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# Who may do what


@pytest.fixture
def world(editor):
    """An article whose first claim has a source."""
    article = ArticleFactory(title="Protected", text=ON_A_LINE, imported_by=editor)
    first = claim_of(article, 1)
    source = add_source(first, added_by=editor)
    return {"article": article, "claim": first, "source": source}


READS = {
    "article list": lambda w: f"{API}/articles/",
    "article": lambda w: f"{API}/articles/{w['article'].pk}/",
    "claim list": lambda w: f"{API}/claims/",
    "claim": lambda w: claim_url(w["claim"]),
    "source": lambda w: f"{API}/sources/{w['source'].pk}/",
}


def write(world: dict, name: str) -> tuple[str, str, dict | None]:
    """A write an editor would have accepted: (method, url, body)."""
    claim, source = world["claim"], world["source"]
    return {
        "import": (
            "post",
            f"{API}/articles/",
            {"title": "Hijacked", "text": "Brand new text. Nobody should store it."},
        ),
        "verdict": (
            "patch",
            claim_url(claim),
            {
                "verdict": Verdict.MISSTATED,
                "rationale": "Written by nobody.",
                "version": fresh(claim).version,
            },
        ),
        "add source": (
            "post",
            f"{claim_url(claim)}sources/",
            {"url": "https://elsewhere.example.org/", "title": "Elsewhere"},
        ),
        "edit source": (
            "patch",
            f"{API}/sources/{source.pk}/",
            {"title": "Renamed by nobody"},
        ),
        "delete source": ("delete", f"{API}/sources/{source.pk}/", None),
    }[name]


WRITES = ("import", "verdict", "add source", "edit source", "delete source")


@pytest.mark.parametrize("name", READS)
def test_anonymous_reads_are_refused_with_401(anon, world, name):
    response = anon.get(READS[name](world))
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_writes_are_refused_with_401_and_change_nothing(anon, world, name):
    before = stored()
    response = send(anon, *write(world, name))
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}
    assert stored() == before


@pytest.mark.parametrize("url", EXPORTS)
def test_anonymous_clients_may_download_every_export(anon, world, reviewer, url):
    publish(judge(world["claim"], Verdict.VERIFIED, "Public."), reviewer)
    response = anon.get(url)
    assert response.status_code == 200
    assert "Public." in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("name", READS)
def test_a_signed_in_reader_may_read(reader_api, world, name):
    response = reader_api.get(READS[name](world))
    assert response.status_code == 200
    assert response.json()


@pytest.mark.parametrize("name", WRITES)
def test_a_reader_without_the_permission_gets_403_and_changes_nothing(
    reader_api, world, name
):
    before = stored()
    response = send(reader_api, *write(world, name))
    assert response.status_code == 403
    assert response.json() == {"detail": roles.NOT_ALLOWED[roles.EDIT]}
    assert EditorOrReadOnly.message == roles.NOT_ALLOWED[roles.EDIT]
    assert stored() == before


@pytest.mark.parametrize("name", READS)
def test_a_signed_in_user_without_a_role_may_not_read(world, name):
    client = APIClient()
    client.force_login(UserFactory(username="nobody", role=""))
    response = client.get(READS[name](world))
    assert response.status_code == 403
    assert response.json() == {"detail": roles.NOT_ALLOWED[roles.VIEW]}


@pytest.mark.parametrize("name", WRITES)
def test_the_same_writes_succeed_for_an_editor(editor_api, world, name):
    # Proves the refusals above are about who asks, not about what they send.
    before = stored()
    response = send(editor_api, *write(world, name))
    assert response.status_code in (200, 201, 204), response.content
    assert stored() != before


def api_token(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_create_api_token_prints_a_new_key_and_stores_only_its_hash(editor):
    key = api_token("editor")
    assert len(key) == 40
    stored_token = ApiToken.objects.get(user=editor)
    assert stored_token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert stored_token.prefix == key[:8]
    assert key not in {stored_token.digest, stored_token.prefix}


def test_a_new_token_replaces_the_old_one(world, editor):
    old, new = api_token("editor"), api_token("editor")
    assert old != new
    assert ApiToken.objects.filter(user=editor).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get(f"{API}/claims/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get(f"{API}/claims/").status_code == 200


def test_an_inactive_users_token_is_refused_with_401(world, editor):
    key = api_token("editor")
    type(editor).objects.filter(pk=editor.pk).update(is_active=False)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_create_api_token_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        api_token("nobody")
    assert not ApiToken.objects.exists()


def test_token_authentication_reads_and_writes(world, editor):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token('editor')}")
    claim = world["claim"]
    assert claim.pk in ids_in(client.get(f"{API}/claims/"))
    response = client.patch(
        claim_url(claim),
        {"verdict": Verdict.VERIFIED, "version": fresh(claim).version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["verdict_by"] == "editor"
    assert fresh(claim).verdict == Verdict.VERIFIED
    assert fresh(claim).verdict_by == editor


def test_a_reader_token_may_read_but_not_write(world, reader):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token('reader')}")
    claim = world["claim"]
    assert client.get(claim_url(claim)).status_code == 200
    before = stored()
    response = client.patch(
        claim_url(claim), {"verdict": Verdict.VERIFIED, "version": 2}, format="json"
    )
    assert response.status_code == 403
    assert stored() == before


def test_a_wrong_token_is_refused_with_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_session_authentication_reads_and_writes(world, editor):
    client = APIClient()
    assert sign_in(client, "editor")
    claim = world["claim"]
    assert client.get(claim_url(claim)).status_code == 200
    response = client.patch(
        claim_url(claim), {"rationale": "By session.", "version": 2}, format="json"
    )
    assert response.status_code == 200
    assert fresh(claim).rationale == "By session."


def test_session_writes_without_the_csrf_token_are_refused(world, editor):
    client = APIClient(enforce_csrf_checks=True)
    assert sign_in(client, "editor")
    before = stored()
    response = client.patch(
        claim_url(world["claim"]),
        {"rationale": "Forged.", "version": 2},
        format="json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert stored() == before


# Listing and filtering claims


@pytest.fixture
def listed(editor):
    """Two articles; a verdict, a kind change, and a late change to filter on."""
    first = ArticleFactory(text=ON_A_LINE)
    second = ArticleFactory(text=sentences(4, start=10))
    judge(claim_of(first, 1), Verdict.MISSTATED, editor=editor)
    judge(claim_of(second, 2), Verdict.VERIFIED, editor=editor)
    opinion = claim_of(second, 3)
    services.set_kind(
        claim=opinion, kind=Kind.OPINION, editor=editor, expected_version=1
    )
    moment = timezone.now()
    late = judge(claim_of(second, 4), Verdict.DISPUTED, editor=editor)
    return {"first": first, "second": second, "moment": moment, "late": late}


def claim_ids(**filters) -> list[int]:
    return sorted(Claim.objects.filter(**filters).values_list("pk", flat=True))


def test_claims_list_filters_by_article(editor_api, listed):
    ids = ids_in(editor_api.get(f"{API}/claims/", {"article": listed["first"].pk}))
    assert sorted(ids) == claim_ids(article=listed["first"]) != []
    assert len(ids) == 3


def test_claims_list_filters_by_verdict(editor_api, listed):
    ids = ids_in(editor_api.get(f"{API}/claims/", {"verdict": Verdict.MISSTATED}))
    assert ids == [claim_of(listed["first"], 1).pk]


def test_claims_list_filters_by_kind(editor_api, listed):
    ids = ids_in(editor_api.get(f"{API}/claims/", {"kind": Kind.OPINION}))
    assert ids == [claim_of(listed["second"], 3).pk]


def test_claims_list_filters_by_updated_since(editor_api, listed):
    since = listed["moment"].isoformat()
    ids = ids_in(editor_api.get(f"{API}/claims/", {"updated_since": since}))
    assert ids == [listed["late"].pk]


def test_claims_list_searches_text_and_rationale(editor_api, listed):
    by_text = ids_in(editor_api.get(f"{API}/claims/", {"q": "second SENTENCE"}))
    assert by_text == [claim_of(listed["first"], 2).pk]
    judge(claim_of(listed["first"], 3), Verdict.DISPUTED, "Only in a rationale.")
    by_rationale = ids_in(editor_api.get(f"{API}/claims/", {"q": "in a rationale"}))
    assert by_rationale == [claim_of(listed["first"], 3).pk]


def test_a_list_request_validates_only_the_filters_it_names():
    named = ClaimFilter(QueryDict("article=3&status=draft&cursor=x"))
    assert set(named.form.fields) == {"article", "status"}
    assert named.is_valid()
    assert not ClaimFilter(QueryDict("article=x")).is_valid()
    assert ClaimFilter(QueryDict("")).form.fields == {}


def test_claims_list_combines_filters(editor_api, listed):
    response = editor_api.get(
        f"{API}/claims/",
        {"article": listed["second"].pk, "verdict": Verdict.UNREVIEWED},
    )
    assert sorted(ids_in(response)) == claim_ids(
        article=listed["second"], verdict=Verdict.UNREVIEWED
    )


def test_claims_list_shows_each_claim_with_its_sources(editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE), 2)
    judge(claim, Verdict.DISPUTED, "Two sources disagree.", editor=editor)
    add_source(claim, url="https://a.example.org/", title="A", added_by=editor)
    add_source(claim, url="https://b.example.org/", title="B", stance=Stance.REFUTES)
    item = next(
        item
        for item in editor_api.get(f"{API}/claims/").json()["results"]
        if item["id"] == claim.pk
    )
    current = fresh(claim)
    assert item["text"] == "Second sentence there."
    assert (item["position"], item["start"], item["end"]) == (2, 21, 43)
    assert item["verdict"] == Verdict.DISPUTED
    assert item["rationale"] == "Two sources disagree."
    assert item["verdict_by"] == "editor"
    assert item["version"] == current.version == 4
    assert [(s["url"], s["title"], s["stance"]) for s in item["sources"]] == [
        ("https://a.example.org/", "A", Stance.SUPPORTS),
        ("https://b.example.org/", "B", Stance.REFUTES),
    ]
    assert item["sources"][0]["added_by"] == "editor"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("verdict", "bogus"),
        ("article", "abc"),
        ("article", "1.5"),
        # int() and float() would take these; the schema says number.
        ("article", "1\x85"),
        ("article", " 1"),
        ("article", "\u0661"),
        ("min_checkworthiness", "0.5 "),
        ("min_checkworthiness", "\u0660.5"),
        ("min_checkworthiness", "half"),
        ("updated_since", "yesterday"),
        ("updated_since", "2025-13-01T00:00:00"),
        ("kind", "x"),
    ],
)
def test_claims_list_refuses_an_invalid_filter_value(editor_api, listed, field, value):
    response = editor_api.get(f"{API}/claims/", {field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field]


def test_claims_list_with_an_out_of_range_article_id_finds_nothing(editor_api, listed):
    response = editor_api.get(f"{API}/claims/", {"article": "9" * 20})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert list(response.json()) == ["article"]


def test_claims_list_refuses_an_unknown_parameter(editor_api, listed):
    response = editor_api.get(f"{API}/claims/", {"verdicts": "misstated"})
    assert response.status_code == 400
    assert list(response.json()) == ["verdicts"]
    assert "Unknown filter" in response.json()["verdicts"][0]


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("patch", {"rationale": "Noted.", "version": 2})],
)
def test_a_claim_request_with_an_unknown_parameter_is_not_a_server_error(
    editor_api, world, method, body
):
    response = send(editor_api, method, f"{claim_url(world['claim'])}?verdicts=x", body)
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert list(response.json()) == ["verdicts"]


@pytest.fixture
def many_claims():
    """More claims than the largest page."""
    article = ArticleFactory(text=sentences(1005))
    assert article.claims.count() == 1005
    return article


def test_claims_list_caps_page_size_at_1000(editor_api, many_claims):
    body = editor_api.get(f"{API}/claims/", {"page_size": 1_000_000}).json()
    assert len(body["results"]) == 1000
    assert body["next"]
    rest = editor_api.get(body["next"]).json()
    assert len(rest["results"]) == 5
    assert rest["next"] is None


@pytest.mark.parametrize("size", ["-1", "abc", "0", ""])
def test_claims_list_ignores_an_unusable_page_size(editor_api, size):
    ArticleFactory(text=sentences(120))
    response = editor_api.get(f"{API}/claims/", {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_claims_list_honours_a_small_page_size(editor_api):
    ArticleFactory(text=sentences(12))
    assert len(ids_in(editor_api.get(f"{API}/claims/", {"page_size": 5}))) == 5


# Not base64; a negative offset; an offset that is not a number.
@pytest.mark.parametrize("cursor", ["garbage", "bz0tMQ==", "bz1h"])
def test_claims_list_answers_a_bad_cursor_with_404(editor_api, listed, cursor):
    response = editor_api.get(f"{API}/claims/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize("position", [b"yesterday", b"1", b"2025-13-01"])
def test_claims_list_refuses_a_forged_cursor_without_a_server_error(
    editor_api, position
):
    ArticleFactory(text=ON_A_LINE)
    forged = base64.b64encode(b"o=0&p=" + position).decode()
    response = editor_api.get(f"{API}/claims/", {"cursor": forged})
    assert 400 <= response.status_code < 500
    assert "Second sentence" not in response.content.decode()


def all_pages(client, url: str, params: dict) -> list[dict]:
    items, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200
        items += response.json()["results"]
        if not response.json()["next"]:
            return items
        response = client.get(response.json()["next"])


def test_following_next_links_visits_every_claim_exactly_once(editor_api, editor):
    # Most claims share one updated_at (one import), the worst case for a cursor.
    first = ArticleFactory(text=sentences(130))
    ArticleFactory(text=sentences(70, start=500))
    for position in (5, 60, 61, 129):
        judge(claim_of(first, position), Verdict.VERIFIED, editor=editor)
    items = all_pages(editor_api, f"{API}/claims/", {"page_size": 9})
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) == 200
    assert sorted(ids) == claim_ids()
    moments = [parse_datetime(item["updated_at"]) for item in items]
    assert moments == sorted(moments)
    # The four changed claims come last: the list is in order of change.
    assert [item["position"] for item in items[-4:]] == [5, 60, 61, 129]


def flat(pages: list[list[int]]) -> list[int]:
    return [item for page in pages for item in page]


def walk(client, response, link: str) -> list[list[int]]:
    """The pages from ``response`` on, following ``link`` (next or previous)."""
    pages = [ids_in(response)]
    while response.json()[link]:
        response = client.get(response.json()[link])
        assert response.status_code == 200
        pages.append(ids_in(response))
    return pages


@pytest.mark.parametrize("ordering", ["", "-checkworthiness", "checkworthiness"])
def test_next_then_previous_links_give_the_same_pages_in_any_order(
    editor_api, editor, ordering
):
    first = ArticleFactory(text=sentences(40), analyse=True)
    ArticleFactory(text=sentences(23, start=500))
    for position in (3, 17, 18):
        judge(claim_of(first, position), Verdict.VERIFIED, editor=editor)
    params = {"page_size": 7, **({"ordering": ordering} if ordering else {})}
    forward = walk(editor_api, editor_api.get(f"{API}/claims/", params), "next")
    assert [len(page) for page in forward] == [7] * 9
    assert sorted(flat(forward)) == claim_ids()
    # From the last page back to the first, through the previous links.
    last = editor_api.get(f"{API}/claims/", params)
    while last.json()["next"]:
        last = editor_api.get(last.json()["next"])
    backward = walk(editor_api, last, "previous")
    assert backward == forward[::-1]


def test_a_claims_page_is_found_by_its_cursor_not_skipped_to_by_offset(
    editor_api, django_assert_max_num_queries
):
    # One import: every claim shares one updated_at, where an offset cursor
    # would read and drop every earlier page's rows.
    article = ArticleFactory(text=sentences(30))
    url = f"{API}/claims/"
    response = editor_api.get(url, {"article": article.pk, "page_size": 10})
    for _ in range(2):
        with django_assert_max_num_queries(4) as page:
            response = editor_api.get(response.json()["next"])
        assert response.status_code == 200
        assert len(ids_in(response)) == 10
        (sql,) = [q["sql"] for q in page.captured_queries if "sources_json" in q["sql"]]
        assert "OFFSET" not in sql
        assert "LIMIT 11" in sql


@pytest.fixture
def claim_compiles(monkeypatch):
    """How many times a claims SELECT is compiled."""
    compiles = []
    compile = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        if self.query.model is Claim:
            compiles.append(1)
        return compile(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    monkeypatch.setattr(prepared, "_cache", OrderedDict())
    return compiles


@pytest.mark.parametrize("ordering", ["updated_at", "-checkworthiness"])
def test_claims_pages_after_the_first_two_of_a_shape_compile_no_sql(
    editor_api, settings, claim_compiles, ordering
):
    settings.PREPARED_CHECK = False
    article = ArticleFactory(text=sentences(20))
    other = ArticleFactory(text=sentences(3, start=100))
    expected = claim_ids(article=article), claim_ids(article=other)
    claim_compiles.clear()  # the imports' and the expectations' own
    params = {"article": article.pk, "page_size": 4, "ordering": ordering}
    pages = [ids_in(response := editor_api.get(f"{API}/claims/", params))]
    # The first page, then the first with a cursor: a shape each.
    compiled = []
    while response.json()["next"]:
        compiled.append(len(claim_compiles))
        pages.append(ids_in(response := editor_api.get(response.json()["next"])))
    assert compiled == [1, 2, 2, 2]
    assert sorted(flat(pages)) == expected[0]
    # Another article is another shape: its own SQL, its own claims.
    listed = editor_api.get(f"{API}/claims/", {**params, "article": other.pk})
    assert sorted(ids_in(listed)) == expected[1]
    assert len(claim_compiles) == 3


def test_claims_lists_of_different_filter_values_never_share_a_page(
    editor_api, settings, claim_compiles, editor
):
    # Each answer as if its SQL were compiled afresh: values are in the shape.
    settings.PREPARED_CHECK = False
    first = ArticleFactory(text=sentences(6))
    second = ArticleFactory(text=sentences(5, start=50))
    alice, bob = make_editor("alice"), make_editor("bob")
    for claim, person in ((claim_of(first, 1), alice), (claim_of(second, 2), bob)):
        services.assign_claim(
            claim=claim, assignee=person, by=editor, expected_version=claim.version
        )
    later = timezone.now()
    judge(claim_of(first, 3), Verdict.VERIFIED, editor=editor)
    asked = [
        ({"article": first.pk}, claim_ids(article=first)),
        ({"article": second.pk}, claim_ids(article=second)),
        ({"assignee": "alice"}, [claim_of(first, 1).pk]),
        ({"assignee": "bob"}, [claim_of(second, 2).pk]),
        ({"updated_since": later.isoformat()}, [claim_of(first, 3).pk]),
        ({"updated_since": "2000-01-01T00:00:00Z"}, claim_ids()),
        ({"verdict": "verified"}, [claim_of(first, 3).pk]),
        ({"verdict": "unreviewed", "article": second.pk}, claim_ids(article=second)),
    ]
    claim_compiles.clear()  # the setup's and the expectations' own
    for _ in range(2):  # compiled, then from the cache
        for params, expected in asked:
            listed = editor_api.get(f"{API}/claims/", {**params, "page_size": 50})
            assert sorted(ids_in(listed)) == expected, params
    assert len(claim_compiles) == len(asked)


@pytest.mark.parametrize(
    "tokens", [{"o": 5}, {"o": 5, "p": "2000-01-01 00:00:00+00:00"}]
)
def test_a_cursor_handed_out_by_the_offset_pagination_still_works(editor_api, tokens):
    # DRF's cursor named the first field's value before a run of ties (or
    # none), then skipped into the run by offset.
    article = ArticleFactory(text=sentences(12))
    old = base64.b64encode(urlencode(tokens).encode()).decode()
    response = editor_api.get(f"{API}/claims/", {"cursor": old, "page_size": 4})
    assert ids_in(response) == claim_ids(article=article)[5:9]
    following = editor_api.get(response.json()["next"])
    assert ids_in(following) == claim_ids(article=article)[9:12]


@pytest.mark.parametrize(
    "position",
    [
        "2025-01-01 00:00:00+00:00|abc",
        "2025-01-01 00:00:00+00:00|-1",
        "2025-01-01 00:00:00+00:00|" + "9" * 30,
        "2025-13-01 00:00:00+00:00|5",
        "yesterday|5",
        "|",
        "2025-01-01 00:00:00+00:00|\u0661",
    ],
)
def test_a_forged_keyset_cursor_is_refused_as_invalid(editor_api, position):
    ArticleFactory(text=ON_A_LINE)
    forged = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = editor_api.get(f"{API}/claims/", {"cursor": forged})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


def test_articles_and_search_pages_follow_their_cursor_both_ways(editor_api):
    for n in range(7):
        ArticleFactory(title=f"Paged {n}", text=sentences(2, start=n * 10))
    first = editor_api.get(f"{API}/articles/", {"page_size": 3})
    forward = walk(editor_api, first, "next")
    newest_first = sorted(Article.objects.values_list("pk", flat=True))[::-1]
    assert flat(forward) == newest_first
    last = first
    while last.json()["next"]:
        last = editor_api.get(last.json()["next"])
    assert walk(editor_api, last, "previous") == forward[::-1]
    found = walk(
        editor_api,
        editor_api.get(f"{API}/search/", {"q": "Sentence", "page_size": 2}),
        "next",
    )
    assert len(flat(found)) == len(set(flat(found))) == 7


def test_updated_since_returns_a_claim_changed_after_the_last_sync(editor_api):
    first = ArticleFactory(text=sentences(6))
    ArticleFactory(text=sentences(3, start=100))
    synced = all_pages(editor_api, f"{API}/claims/", {})
    newest = max(synced, key=lambda item: parse_datetime(item["updated_at"]))
    edited = claim_of(first, 2)
    response = editor_api.patch(
        claim_url(edited),
        {"verdict": Verdict.DISPUTED, "version": 1},
        format="json",
    )
    assert response.status_code == 200
    changed = all_pages(
        editor_api, f"{API}/claims/", {"updated_since": newest["updated_at"]}
    )
    by_id = {item["id"]: item for item in changed}
    assert by_id[edited.pk]["verdict"] == Verdict.DISPUTED
    assert by_id[edited.pk]["version"] == 2
    untouched = set(claim_ids(article=first)) - {edited.pk}
    assert not untouched & set(by_id)


# Query counts


def article_with_claims(count: int, start: int, editor) -> Article:
    article = ArticleFactory(text=sentences(count, start=start), imported_by=editor)
    for claim in article.claims.order_by("position")[:60:3]:
        judge(claim, Verdict.MISSTATED, editor=editor)
        add_source(claim, added_by=editor)
        add_source(claim, url="https://example.org/second", added_by=editor)
    return article


def test_claims_list_queries_do_not_grow_with_claims(editor_api, editor):
    url = f"{API}/claims/?page_size=1000"
    article_with_claims(20, 0, editor)
    few = queries_for(editor_api, url)
    article_with_claims(480, 10_000, editor)
    assert Claim.objects.count() == 500
    many = queries_for(editor_api, url)
    assert many == few
    assert many <= 6


def test_articles_list_queries_do_not_grow_with_articles(editor_api, editor):
    url = f"{API}/articles/"
    for n in range(3):
        article_with_claims(4, 100 * n, editor)
    few = queries_for(editor_api, url)
    for n in range(37):
        article_with_claims(4, 1000 + 100 * n, editor)
    many = queries_for(editor_api, url)
    assert len(editor_api.get(url).json()["results"]) == 40
    assert many == few
    assert many <= 5


# Reading and changing one claim


def test_claim_detail_carries_its_version_as_etag(editor_api, world):
    response = editor_api.get(claim_url(world["claim"]))
    assert response.status_code == 200
    assert response["ETag"] == '"2"'  # the source attached raised it once
    assert response.json()["version"] == 2
    assert response.json()["text"] == "First sentence here."


def test_claim_detail_answers_a_matching_if_none_match_with_304(editor_api, world):
    url = claim_url(world["claim"])
    unchanged = editor_api.get(url, HTTP_IF_NONE_MATCH='"2"')
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == '"2"'
    changed = editor_api.get(url, HTTP_IF_NONE_MATCH='"1"')
    assert changed.status_code == 200
    assert changed.json()["id"] == world["claim"].pk


def test_claim_detail_is_found_by_its_public_id_too(editor_api, world):
    claim = world["claim"]
    by_id = editor_api.get(claim_url(claim))
    assert by_id.json()["public_id"] == claim.public_id
    by_public_id = editor_api.get(f"{API}/claims/{claim.public_id}/")
    assert by_public_id.status_code == 200
    assert by_public_id.json() == by_id.json()
    assert editor_api.get(f"{API}/claims/zzzzzzzzzzzz/").status_code == 404
    response = editor_api.patch(
        f"{API}/claims/{claim.public_id}/",
        {"rationale": "By its public id.", "version": fresh(claim).version},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert fresh(claim).rationale == "By its public id."


def test_unknown_claim_is_not_found(editor_api):
    assert editor_api.get(f"{API}/claims/999999/").status_code == 404
    response = editor_api.patch(
        f"{API}/claims/999999/", {"verdict": "verified", "version": 1}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "articles/{article}{junk}/",
        "articles/{article}{junk}/versions/",
        "articles/{article}{junk}/versions/1/",
        "sources/{source}{junk}/",
        "claims/{claim}{junk}/",
        "jobs/{job}{junk}/",
    ],
)
@pytest.mark.parametrize("junk", ["%C2%85", "%20", "%0A", ".0", "%D9%A1"])
def test_an_id_that_is_not_only_ascii_digits_finds_nothing(
    editor_api, world, editor, path, junk
):
    # int() strips Unicode whitespace and reads other scripts' digits, so
    # "1\x85" or "1" + Arabic-Indic one would otherwise find row 1 or 11.
    job = Job.objects.create(kind=JobKind.ANALYSE, article=world["article"])
    ids = {
        "article": world["article"].pk,
        "source": world["source"].pk,
        "claim": world["claim"].pk,
        "job": job.pk,
    }
    response = editor_api.get(f"{API}/" + path.format(**ids, junk=junk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "key",
    [
        "99999999999999999999",
        "{claim}%C2%85",
        "{claim}.0",
        "0",
        "c_notaclaim",
        "ab%00cd",
        "abcdefghijklm",
    ],
)
@pytest.mark.parametrize("action", ["", "comments/", "sources/"])
def test_a_write_to_a_claim_that_does_not_exist_answers_404(
    editor_api, world, action, key
):
    # Writes find their claim by SQL compiled once (queries.live_claim): an
    # id beyond the database's integers must not reach it.
    url = f"{API}/claims/" + key.format(claim=world["claim"].pk) + f"/{action}"
    body = {"verdict": Verdict.VERIFIED, "version": 1}
    send = editor_api.post if action else editor_api.patch
    response = send(url, body, format="json")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_write_to_a_claim_of_a_deleted_article_answers_404(editor_api, world):
    Article.objects.filter(pk=world["article"].pk).update(deleted_at=timezone.now())
    response = editor_api.patch(
        claim_url(world["claim"]), {"verdict": Verdict.VERIFIED}, format="json"
    )
    assert response.status_code == 404


def test_a_write_finds_a_claim_by_its_public_id(editor_api, world):
    claim = Claim.objects.get(pk=world["claim"].pk)
    response = editor_api.patch(
        f"{API}/claims/{claim.public_id}/",
        {"verdict": Verdict.DISPUTED, "version": claim.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == claim.pk
    claim.refresh_from_db()
    assert claim.verdict == Verdict.DISPUTED


def test_an_unknown_api_address_answers_404_in_json(editor_api, client):
    for api in (editor_api, client):
        response = api.get(f"{API}/no-such-thing/")
        assert response.status_code == 404
        assert "/no-such-thing/" in response.json()["detail"]
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_patch_with_a_matching_if_match_changes_the_claim(editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE), 2)
    etag = editor_api.get(claim_url(claim))["ETag"]
    assert etag == '"1"'
    response = editor_api.patch(
        claim_url(claim),
        {"verdict": Verdict.MISSTATED, "rationale": "  The year was 2022. "},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["verdict"] == Verdict.MISSTATED
    assert body["rationale"] == "The year was 2022."
    assert body["verdict_by"] == "editor"
    assert body["version"] == 2
    current = fresh(claim)
    assert current.verdict == Verdict.MISSTATED
    assert current.rationale == "The year was 2022."
    assert current.verdict_by == editor
    assert current.verdict_at is not None
    assert current.version == 2


def test_patch_accepts_a_weak_etag(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = editor_api.patch(
        claim_url(claim), {"kind": Kind.OPINION}, format="json", HTTP_IF_MATCH='W/"1"'
    )
    assert response.status_code == 200
    assert fresh(claim).kind == Kind.OPINION


def test_patch_with_a_stale_if_match_returns_412_and_the_current_claim(
    editor_api, editor
):
    claim = claim_of(ArticleFactory(text=ON_A_LINE), 2)
    other = make_editor("other")
    judge(claim, Verdict.VERIFIED, "Theirs, saved first.", editor=other)
    before = stored()
    response = editor_api.patch(
        claim_url(claim),
        {"verdict": Verdict.MISSTATED, "rationale": "Mine, saved second."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 412
    assert response["ETag"] == '"2"'
    body = response.json()
    assert body["id"] == claim.pk
    assert body["rationale"] == "Theirs, saved first."
    assert body["verdict"] == Verdict.VERIFIED
    assert body["verdict_by"] == "other"
    assert body["version"] == 2
    assert stored() == before


def test_patch_with_the_version_in_the_body_works(editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = editor_api.patch(
        claim_url(claim), {"verdict": Verdict.VERIFIED, "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert fresh(claim).verdict == Verdict.VERIFIED
    assert fresh(claim).verdict_by == editor


def test_patch_with_a_stale_body_version_returns_412(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    judge(claim, Verdict.VERIFIED, "First.")
    before = stored()
    response = editor_api.patch(
        claim_url(claim), {"rationale": "Second.", "version": 1}, format="json"
    )
    assert response.status_code == 412
    assert response.json()["rationale"] == "First."
    assert stored() == before


def test_patch_without_a_version_is_refused_with_428(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim), {"verdict": Verdict.VERIFIED}, format="json"
    )
    assert response.status_code == 428
    assert response.json() == {"detail": PRECONDITION_REQUIRED}
    assert stored() == before


@pytest.mark.parametrize(
    "header",
    ["*", '"abc"', "abc", "", '"1", "2"', '"１"', '"-1"', '"0"', '"' + "9" * 30 + '"'],
)
def test_patch_with_an_unusable_if_match_is_refused(editor_api, header):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim),
        {"verdict": Verdict.VERIFIED, "rationale": "Sneaked in."},
        format="json",
        HTTP_IF_MATCH=header,
    )
    assert 400 <= response.status_code < 500
    assert response.status_code in (400, 412, 428)
    if response.status_code == 400:
        assert response.json() == {"If-Match": [BAD_IF_MATCH]}
    assert stored() == before


def test_patch_refuses_an_unknown_verdict(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim), {"verdict": "true-ish", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "verdict": [
            '"true-ish" is not a valid choice. '
            "Use one of: verified, disputed, misstated, unreviewed."
        ]
    }
    assert stored() == before


def test_patch_refuses_a_malformed_json_body(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim),
        '{"verdict": "verified", ',
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert stored() == before


@pytest.mark.parametrize("body", [[], "verified", 3])
def test_patch_refuses_a_body_that_is_not_an_object(editor_api, body):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim), body, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert stored() == before


@pytest.mark.parametrize("field", ["verdicts", "verdict_by", "text", "version_"])
def test_patch_refuses_an_unknown_field(editor_api, field):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    before = stored()
    response = editor_api.patch(
        claim_url(claim),
        {"verdict": Verdict.VERIFIED, field: "someone-else", "version": 1},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith("Unknown field.")
    assert stored() == before


def test_patch_of_the_kind_alone_keeps_the_verdict(editor_api, editor):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    judge(claim, Verdict.VERIFIED, "Kept.", editor=editor)
    response = editor_api.patch(
        claim_url(claim), {"kind": Kind.OPINION}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert response.status_code == 200
    current = fresh(claim)
    assert (current.kind, current.verdict, current.rationale) == (
        Kind.OPINION,
        Verdict.VERIFIED,
        "Kept.",
    )


# Sources


def source_body(**overrides) -> dict:
    return {
        "url": "https://example.org/profile",
        "title": "Profile of Jiantao Jiao",
        "publisher": "Example University",
        "quote": "Jiantao Jiao (焦剑涛) …",
        "stance": Stance.REFUTES,
        "accessed_on": "2025-07-01",
        **overrides,
    }


@pytest.mark.parametrize("url", ["https://example.org/a", "http://example.org/b"])
def test_adding_a_source_stores_it_and_raises_the_claim_version(
    editor_api, editor, url
):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = editor_api.post(
        f"{claim_url(claim)}sources/", source_body(url=url), format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["url"] == url
    assert body["claim"] == claim.pk
    assert body["added_by"] == "editor"
    assert body["accessed_on"] == "2025-07-01"
    source = Source.objects.get()
    assert source.pk == body["id"]
    assert (source.url, source.title, source.quote) == (
        url,
        "Profile of Jiantao Jiao",
        "Jiantao Jiao (焦剑涛) …",
    )
    assert source.added_by == editor
    assert fresh(claim).version == 2


@pytest.mark.parametrize(
    ("url", "message"),
    [
        *[
            (url, "Enter a full http:// or https:// address")
            for url in ("javascript:alert(1)", "ftp://x", "example.org/page")
        ],
        ("https://", "Enter a full http:// or https:// address"),
        ("https://ann:secret@example.org/x", services.URL_CREDENTIALS),
        ("https://example.org/\u202egpj.exe", services.URL_BIDI.format(code=0x202E)),
    ],
)
def test_adding_a_source_with_a_bad_url_is_refused_naming_why(editor_api, url, message):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = editor_api.post(
        f"{claim_url(claim)}sources/", source_body(url=url), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    (refusal,) = response.json()["url"]
    assert refusal.startswith(str(message))
    assert "secret" not in refusal
    assert not Source.objects.exists()
    assert fresh(claim).version == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": None}, "This field is required."),
        ({"title": "   "}, "This field may not be blank."),
        ({"stance": "agrees"}, '"agrees" is not a valid choice.'),
        ({"accessed_on": "yesterday"}, "Date has wrong format."),
    ],
)
def test_adding_a_source_with_a_bad_field_is_refused(editor_api, change, message):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    body = {k: v for k, v in source_body(**change).items() if v is not None}
    response = editor_api.post(f"{claim_url(claim)}sources/", body, format="json")
    assert response.status_code == 400
    (field,) = change
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(message)
    assert not Source.objects.exists()
    assert fresh(claim).version == 1


def test_adding_a_source_with_a_stale_version_is_refused_with_412(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    judge(claim, Verdict.VERIFIED)
    response = editor_api.post(
        f"{claim_url(claim)}sources/", source_body(version=1), format="json"
    )
    assert response.status_code == 412
    assert response.json()["version"] == 2
    assert not Source.objects.exists()
    assert fresh(claim).version == 2


def test_adding_a_source_with_the_current_version_works(editor_api):
    claim = claim_of(ArticleFactory(text=ON_A_LINE))
    response = editor_api.post(
        f"{claim_url(claim)}sources/", source_body(version=1), format="json"
    )
    assert response.status_code == 201
    assert Source.objects.get().claim == claim
    assert fresh(claim).version == 2


def test_a_source_can_be_read(editor_api, world):
    response = editor_api.get(f"{API}/sources/{world['source'].pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Evidence"
    assert response.json()["claim"] == world["claim"].pk


def test_patching_a_source_changes_one_field_and_keeps_the_others(editor_api, world):
    source, claim = world["source"], fresh(world["claim"])
    before = Source.objects.filter(pk=source.pk).values().get()
    response = editor_api.patch(
        f"{API}/sources/{source.pk}/", {"title": "Annual report"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Annual report"
    after = Source.objects.filter(pk=source.pk).values().get()
    assert after == {**before, "title": "Annual report"}
    assert fresh(claim).version == claim.version + 1


def test_patching_a_source_with_a_bad_url_changes_nothing(editor_api, world):
    before = stored()
    response = editor_api.patch(
        f"{API}/sources/{world['source'].pk}/",
        {"url": "javascript:alert(1)"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["url"]
    assert stored() == before


def test_patching_a_source_with_a_stale_version_is_refused(editor_api, world):
    before = stored()
    response = editor_api.patch(
        f"{API}/sources/{world['source'].pk}/",
        {"title": "Too late", "version": 1},
        format="json",
    )
    assert response.status_code == 412
    assert response.json()["version"] == 2
    assert stored() == before


def test_deleting_a_source_removes_it(editor_api, world):
    source, claim = world["source"], fresh(world["claim"])
    response = editor_api.delete(f"{API}/sources/{source.pk}/")
    assert response.status_code == 204
    assert response.content == b""
    assert not Source.objects.filter(pk=source.pk).exists()
    assert fresh(claim).version == claim.version + 1


def test_deleting_a_source_with_the_current_version_works(editor_api, world):
    source = world["source"]
    response = editor_api.delete(f"{API}/sources/{source.pk}/?version=2")
    assert response.status_code == 204
    assert not Source.objects.exists()


def test_deleting_a_source_with_a_stale_version_keeps_it(editor_api, world):
    source = world["source"]
    before = stored()
    response = editor_api.delete(f"{API}/sources/{source.pk}/?version=1")
    assert response.status_code == 412
    assert response.json()["version"] == 2
    assert Source.objects.filter(pk=source.pk).exists()
    assert stored() == before


@pytest.mark.parametrize("version", ["abc", "-1", "1.0", "²"])
def test_deleting_a_source_with_a_bad_version_is_refused(editor_api, world, version):
    before = stored()
    response = editor_api.delete(
        f"{API}/sources/{world['source'].pk}/", QUERY_STRING=f"version={version}"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert stored() == before


def test_unknown_source_is_not_found(editor_api):
    assert editor_api.get(f"{API}/sources/999999/").status_code == 404
    assert editor_api.delete(f"{API}/sources/999999/").status_code == 404


# Importing articles


def import_article(client, data: dict, *, multipart: bool = False):
    return client.post(
        f"{API}/articles/", data, format="multipart" if multipart else "json"
    )


def test_importing_text_creates_the_article_and_its_claims(editor_api, editor):
    response = import_article(
        editor_api,
        {
            "title": "Nexusflow joins NVIDIA",
            "url": "https://news.example.org/nexusflow",
            "publisher": "Example News",
            "published_on": "2025-06-30",
            "text": ON_A_LINE,
        },
    )
    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get()
    assert body["id"] == article.pk
    assert body["text"] == article.text == ON_A_LINE
    assert body["title"] == "Nexusflow joins NVIDIA"
    assert body["imported_by"] == "editor"
    assert body["published_on"] == "2025-06-30"
    assert body["counts"]["units"] == article.claims.count() == 3
    assert body["counts"]["unreviewed"] == 3
    assert article.imported_by == editor
    assert [c.text for c in article.claims.order_by("position")] == [
        "First sentence here.",
        "Second sentence there.",
        "Third line.",
    ]


def test_importing_a_text_file(editor_api):
    upload = SimpleUploadedFile("story.txt", "第一句话。Second sentence here.".encode())
    response = import_article(
        editor_api, {"title": "From a file", "file": upload}, multipart=True
    )
    assert response.status_code == 201
    article = Article.objects.get()
    assert article.text == response.json()["text"] == "第一句话。Second sentence here."
    assert response.json()["counts"]["units"] == article.claims.count() == 2


def test_importing_an_html_file_takes_its_title_and_visible_text(editor_api):
    page = (
        b"<html><head><title>Page title</title><script>var x;</script></head>"
        b"<body><article><h1>Heading</h1><p>The first paragraph.</p>"
        b"<p>The second one.</p></article></body></html>"
    )
    upload = SimpleUploadedFile("page.html", page, content_type="text/html")
    response = import_article(editor_api, {"file": upload}, multipart=True)
    assert response.status_code == 201
    article = Article.objects.get()
    assert response.json()["title"] == article.title == "Page title"
    assert article.text == "Heading\nThe first paragraph.\nThe second one."
    assert claim_of(article, 1).kind == Kind.HEADING
    assert response.json()["counts"]["units"] == 3


def test_importing_a_gbk_encoded_chinese_file(editor_api):
    upload = SimpleUploadedFile("gbk.txt", ZH.encode("gbk"))
    response = import_article(
        editor_api, {"title": "GBK", "file": upload}, multipart=True
    )
    assert response.status_code == 201
    article = Article.objects.get()
    assert article.text == response.json()["text"] == ZH
    assert article.language == "zh"
    assert [c.text for c in article.claims.order_by("position")] == [
        "您好，世界。",
        "这是第二句话，用于测试编码。",
    ]


def refused_import(client, data: dict, *, multipart: bool = False) -> dict:
    before = stored()
    response = import_article(client, data, multipart=multipart)
    assert response.status_code == 400, response.content
    assert stored() == before
    return response.json()


def test_importing_empty_text_is_refused(editor_api):
    body = refused_import(editor_api, {"title": "Nothing", "text": "  \n "})
    assert body["text"]


def test_importing_an_empty_file_is_refused(editor_api):
    upload = SimpleUploadedFile("empty.txt", b"")
    body = refused_import(editor_api, {"title": "E", "file": upload}, multipart=True)
    assert body["file"]


def test_importing_a_blank_file_is_refused_as_empty(editor_api):
    upload = SimpleUploadedFile("blank.txt", b"  \n\n ")
    body = refused_import(editor_api, {"title": "B", "file": upload}, multipart=True)
    assert body == {"file": [importing.EMPTY], "code": "empty"}


def test_importing_a_binary_file_is_refused(editor_api):
    png = SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    body = refused_import(editor_api, {"title": "Image", "file": png}, multipart=True)
    assert body["code"] == "binary"
    assert body["file"][0].startswith("This is a binary file (PNG image)")


def test_importing_undecodable_bytes_is_refused(editor_api):
    soup = SimpleUploadedFile("soup.txt", b"Hello \x80\x81\x82 world. " * 10)
    body = refused_import(editor_api, {"title": "Soup", "file": soup}, multipart=True)
    assert body == {"file": [importing.UNDECODABLE], "code": "undecodable"}


def test_importing_text_already_imported_names_the_existing_article(editor_api):
    existing = ArticleFactory(title="Existing", text="Already here. Twice.")
    body = refused_import(
        editor_api, {"title": "Again", "text": "Already here. Twice."}
    )
    assert body == {
        "text": [
            f'This text is already imported as article {existing.pk} ("Existing").'
        ],
        "code": "duplicate",
    }


def test_importing_text_over_the_limit_is_refused(editor_api, import_limit):
    text = sentences(40)
    assert len(text.encode()) > import_limit
    body = refused_import(editor_api, {"title": "Long", "text": text})
    assert body["code"] == "too_large"
    assert f"the largest accepted is {import_limit} bytes" in body["text"][0]


def test_importing_a_file_over_the_limit_is_refused(editor_api, import_limit):
    upload = SimpleUploadedFile("long.txt", sentences(40).encode())
    body = refused_import(editor_api, {"title": "Long", "file": upload}, multipart=True)
    assert body["code"] == "too_large"
    assert f"the largest accepted is {import_limit} bytes" in body["file"][0]


def test_importing_both_text_and_a_file_is_refused(editor_api):
    upload = SimpleUploadedFile("story.txt", b"From the file.")
    body = refused_import(
        editor_api,
        {"title": "Both", "text": "From the text.", "file": upload},
        multipart=True,
    )
    assert "one of the two" in body["text"][0]


def test_importing_neither_text_nor_a_file_is_refused(editor_api):
    body = refused_import(editor_api, {"title": "Neither"})
    assert "one of the two" in body["text"][0]


def test_importing_without_a_title_takes_the_first_line(editor_api):
    response = import_article(editor_api, {"text": "One. Two."})
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "One. Two."


def test_importing_with_a_javascript_url_is_refused(editor_api):
    body = refused_import(
        editor_api, {"title": "Tricky", "text": "One. Two.", "url": "javascript:x()"}
    )
    assert body["code"] == "url"
    assert "http://" in body["url"][0]


def test_importing_with_an_unknown_field_is_refused(editor_api):
    body = refused_import(
        editor_api, {"title": "T", "text": "One. Two.", "imported_by": "someone"}
    )
    assert list(body) == ["imported_by"]


# Reading articles


def test_articles_list_is_newest_first_without_the_text(editor_api, editor):
    older = ArticleFactory(title="Older")
    newer = ArticleFactory(title="Newer")
    judge(claim_of(older, 1), Verdict.VERIFIED, editor=editor)
    results = editor_api.get(f"{API}/articles/").json()["results"]
    assert [item["id"] for item in results] == [newer.pk, older.pk]
    assert "text" not in results[0]
    assert results[1]["counts"] == {
        "units": 3,
        "claims": 3,
        "opinions": 0,
        "furniture": 0,
        "checked": 1,
        "unreviewed": 2,
        "verified": 1,
        "disputed": 0,
        "misstated": 0,
        "off_claim_verdicts": 0,
        "draft": 1,
        "approved": 0,
        "published": 0,
    }


def test_articles_list_searches_titles(editor_api):
    wanted = ArticleFactory(title="NVIDIA hires two scientists")
    ArticleFactory(title="Something else")
    response = editor_api.get(f"{API}/articles/", {"q": "nvidia"})
    assert ids_in(response) == [wanted.pk]


def test_articles_list_filters_by_language(editor_api):
    chinese = ArticleFactory(title="Chinese", text=ZH)
    ArticleFactory(title="English", text="Only English words here. And more.")
    assert ids_in(editor_api.get(f"{API}/articles/", {"language": "zh"})) == [
        chinese.pk
    ]


@pytest.mark.parametrize(("field", "value"), [("language", "xx"), ("title", "x")])
def test_articles_list_refuses_unknown_filters_and_values(editor_api, field, value):
    ArticleFactory()
    response = editor_api.get(f"{API}/articles/", {field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_article_detail_includes_the_text_and_the_counts(editor_api, world):
    article = world["article"]
    response = editor_api.get(f"{API}/articles/{article.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["text"] == ON_A_LINE
    assert body["title"] == "Protected"
    assert body["counts"]["units"] == 3
    assert body["imported_by"] == "editor"


# OpenAPI schema and docs


@pytest.fixture
def schema(anon) -> dict:
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_lists_the_claim_and_export_paths(schema):
    paths = schema["paths"]
    assert {
        f"{API}/claims/",
        f"{API}/claims/{{id}}/",
        f"{API}/claims/{{id}}/sources/",
        f"{API}/sources/{{id}}/",
        f"{API}/articles/",
        f"{API}/articles/{{id}}/",
        *EXPORTS,
    } <= set(paths)
    for url in EXPORTS:
        parameters = {p["name"] for p in paths[url]["get"]["parameters"]}
        assert {"article", "verdict", "updated_since"} <= parameters


def test_schema_documents_412_and_428_on_claim_patch(schema):
    patch = schema["paths"][f"{API}/claims/{{id}}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "412", "428"} <= set(patch["responses"])
    assert "If-Match" in {p["name"] for p in patch["parameters"]}
    examples = patch["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"].get("verdict") == "misstated" for e in examples.values())


def test_schema_has_examples_for_imports_and_sources(schema):
    post = schema["paths"][f"{API}/articles/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"]
    sources = schema["paths"][f"{API}/claims/{{id}}/sources/"]["post"]
    assert "412" in sources["responses"]
    assert sources["requestBody"]["content"]["application/json"]["examples"]


def test_docs_page_uses_only_local_assets(anon):
    response = anon.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "/static/" in page
    for attribute in ("src", "href"):
        for scheme in ("http://", "https://", "//"):
            assert f'{attribute}="{scheme}' not in page


def test_paging_reaches_every_claim_of_a_large_fresh_article(editor_api):
    article = ArticleFactory(text=" ".join(f"Unit {n}." for n in range(2500)))
    seen, url = [], f"/api/v1/claims/?article={article.pk}&page_size=1000"
    while url:
        page = editor_api.get(url).json()
        seen += [claim["id"] for claim in page["results"]]
        url = page["next"]
        assert len(seen) <= 2500, "the pages repeat"
    assert sorted(seen) == sorted(article.claims.values_list("pk", flat=True))


def test_article_counts_use_the_pages_breakdown(editor_api, editor):
    article = ArticleFactory(title="Mixed")
    _first, second, third = article.claims.order_by("position")
    for claim, kind in ((second, Kind.OPINION), (third, Kind.HEADING)):
        services.set_kind(
            claim=claim, kind=kind, editor=editor, expected_version=claim.version
        )
    judge(claim_of(article, 2), Verdict.DISPUTED, editor=editor)
    counts = editor_api.get(f"{API}/articles/{article.pk}/").json()["counts"]
    assert (counts["units"], counts["claims"]) == (3, 1)
    assert (counts["opinions"], counts["furniture"]) == (1, 1)
    # A verdict on the opinion is counted apart, not as a checked claim.
    assert (counts["checked"], counts["unreviewed"]) == (0, 1)
    assert (counts["disputed"], counts["off_claim_verdicts"]) == (0, 1)


def test_a_claim_is_shown_exactly_as_its_declared_serializer_fields_would_show_it(
    editor, reviewer
):
    article = ArticleFactory(text=sentences(4, start=8800), imported_by=editor)
    first, second, third, _ = article.claims.order_by("position")
    judge(first, Verdict.DISPUTED, "Wrong year & <b>date</b>.", editor=editor)
    add_source(first, added_by=editor, accessed_on=datetime.date(2026, 3, 4))
    add_source(first, added_by=None, stance=Stance.REFUTES, quote="")
    publish(first, reviewer=reviewer)
    services.claimants.set_claimant(
        claim=fresh(second),
        editor=editor,
        expected_version=fresh(second).version,
        name="A. Speaker",
        role="chair",
        appearance_url="https://example.org/said",
        appearance_date=datetime.date(2026, 1, 2),
    )
    services.assign_claim(
        claim=fresh(second),
        assignee=editor,
        by=editor,
        expected_version=fresh(second).version,
    )
    services.reuse_verdict(
        claim=fresh(third),
        original=fresh(first),
        editor=editor,
        expected_version=fresh(third).version,
    )
    Claim.objects.filter(pk=third.pk).update(
        hints=[{"type": "number", "message": "2024", "spans": []}],
        worth=0.75,
        worth_reasons=["+money 10万"],
        text_changed=True,
    )
    shown = Claim.objects.prefetch_related("sources__added_by").select_related(
        "verdict_by", "approved_by", "assignee", "claimant"
    )

    for claim in shown.filter(article=article):
        serializer = ClaimSerializer()
        declared = drf.ModelSerializer.to_representation(serializer, claim)
        assert serializer.to_representation(claim) == declared
        # The same JSON, key order included.
        assert json.dumps(serializer.to_representation(claim)) == json.dumps(declared)
    # The list's claims carry their sources as a plain list: the same JSON.
    listed = queries.claims_for_api().filter(article=article).order_by("position")
    plain_claims = shown.filter(article=article).order_by("position")
    for claim, plain in zip(listed, plain_claims, strict=True):
        serializer = ClaimSerializer()
        declared = drf.ModelSerializer.to_representation(serializer, plain)
        assert json.dumps(serializer.to_representation(claim)) == json.dumps(declared)
