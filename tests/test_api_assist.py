"""Assistance through the REST API: hints and check-worthiness on claims, "have
we checked this before?" and reusing a verdict, new versions of an article
(re-anchoring, orphans, diffs), search and re-analysis; who may do each; and
the queries each takes. With the real seed article (Chinese) and English text.
"""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from annotations import assisting, demo, services
from annotations.models import Article, ArticleVersion, Claim, Kind, Status, Verdict
from annotations.services import versions
from annotations.services.reuse import REUSE_NEEDS_VERDICT, REUSE_SAME_CLAIM

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
from .helpers import API, claim_url, client_of, queries_for

pytestmark = pytest.mark.django_db

NOT_SIGNED_IN = "Authentication credentials were not provided."
JIAO_WRONG = "焦建涛"
JIAO_RIGHT = "焦剑涛"
# Seed claim 17 (verified and published in the demo).
MARKET_SHARE = (
    "毕竟,英伟达是AI芯片领域的绝对霸主,占据全球80%以上的市场份额,"
    "而中美在AI领域的竞争早已进入白热化阶段。"
)
# The same words in traditional characters, with full-width punctuation and
# figures, in an otherwise English article.
REPEATED = (
    "畢竟，英偉達是AI芯片領域的絕對霸主，佔據全球８０％以上的市場份額，"
    "而中美在AI領域的競爭早已進入白熱化階段。"
)
REPEAT_TEXT = (
    "Nexusflow was founded in 2023 by two researchers from Berkeley.\n"
    f"{REPEATED}\n"
    "Analysts expect more hires this year."
)
# Seed claim 9 loses a word ("全球" becomes "世界"); claim 35 is removed.
CHANGED_FROM = "属于全球稀缺的高端人才"
CHANGED_TO = "属于世界稀缺的高端人才"
REMOVED = "反观国内,很多教授的专利写完就锁抽屉了,转化率连美国的十分之一都不到。\n"


@pytest.fixture
def viewer_api(viewer):
    return client_of(viewer)


@pytest.fixture
def seed(editor, reviewer) -> Article:
    """The demo: the seed article, analysed, its researched verdicts published."""
    article, created = demo.load_demo_article()
    assert created
    return article


@pytest.fixture
def repeat(seed, editor_api) -> Article:
    """A second article, imported through the API after the seed was checked,
    that repeats seed claim 17 in traditional characters."""
    response = editor_api.post(
        f"{API}/articles/",
        {"title": "Nvidia hires", "text": REPEAT_TEXT},
        format="json",
    )
    assert response.status_code == 201, response.content
    return Article.objects.get(pk=response.json()["id"])


def article_url(article: Article, action: str = "") -> str:
    return f"{API}/articles/{article.pk}/" + (f"{action}/" if action else "")


def listed(client, **params) -> list[dict]:
    """Every claim the list gives for ``params``, following the cursor."""
    response = client.get(f"{API}/claims/", {"page_size": 1000, **params})
    items = []
    while True:
        assert response.status_code == 200, response.content
        items += response.json()["results"]
        if not response.json()["next"]:
            return items
        response = client.get(response.json()["next"])


def positions(items: list[dict]) -> list[int]:
    return [item["position"] for item in items]


def hints_of(item: dict, kind: str) -> list[dict]:
    return [hint for hint in item["hints"] if hint["type"] == kind]


def researched_kinds() -> dict[int, str]:
    data = json.loads(demo.DEMO_VERDICTS.read_text(encoding="utf-8"))
    return {unit["position"]: unit["kind"] for unit in data["units"]}


# Hints and check-worthiness


def test_seed_claim_5_shows_the_misspelt_name_with_both_spellings(seed, viewer_api):
    claim = claim_of(seed, 5)
    body = viewer_api.get(claim_url(claim)).json()
    (hint,) = hints_of(body, assisting.NAME_VARIANT)
    assert hint["majority"] == JIAO_RIGHT
    assert hint["suggested_verdict"] == Verdict.MISSTATED
    assert hint["variant"] == "misspelling"
    assert {f["text"]: f["count"] for f in hint["forms"]} == {
        JIAO_WRONG: 1,
        JIAO_RIGHT: 6,
    }
    assert JIAO_WRONG in hint["message"] and JIAO_RIGHT in hint["message"]
    assert [s["text"] for s in hint["spans"]] == [JIAO_WRONG]
    assert [s["text"] for s in hint["elsewhere"]] == [JIAO_RIGHT] * 6


def test_hint_offsets_point_at_the_names_in_the_article_text(seed, viewer_api):
    text = viewer_api.get(article_url(seed)).json()["text"]
    body = viewer_api.get(claim_url(claim_of(seed, 5))).json()
    (hint,) = hints_of(body, assisting.NAME_VARIANT)
    (span,) = hint["spans"]
    assert text[span["start"] : span["end"]] == JIAO_WRONG
    assert body["start"] <= span["start"] < span["end"] <= body["end"]
    for other in hint["elsewhere"]:
        assert text[other["start"] : other["end"]] == JIAO_RIGHT


def test_only_claim_5_of_the_seed_has_a_name_variant_hint(seed, viewer_api):
    found = listed(viewer_api, article=seed.pk, hint=assisting.NAME_VARIANT)
    assert positions(found) == [5]


def test_figures_are_hints_with_the_figure_as_message(seed, viewer_api):
    body = viewer_api.get(claim_url(claim_of(seed, 11))).json()
    (chip,) = hints_of(body, assisting.NUMBER)
    assert (chip["kind"], chip["message"]) == ("money", "1060万美元")
    text = viewer_api.get(article_url(seed)).json()["text"]
    (span,) = chip["spans"]
    assert text[span["start"] : span["end"]] == "1060万美元"


def test_every_claim_shows_its_checkworthiness_with_reasons(seed, viewer_api):
    items = {item["position"]: item for item in listed(viewer_api, article=seed.pk)}
    assert len(items) == 55
    for item in items.values():
        score = item["checkworthiness"]["score"]
        assert 0 <= score <= 1
        assert isinstance(item["checkworthiness"]["reasons"], list)
        assert item["text_changed"] is False
        assert item["orphaned"] is False
        assert item["reused_from"] is None
    funding = items[11]["checkworthiness"]
    assert "+money 1060万美元" in funding["reasons"]
    assert funding["score"] == fresh(claim_of(seed, 11)).worth
    assert items[7]["checkworthiness"] == {"score": 0.0, "reasons": ["−boilerplate"]}


def test_ordering_by_checkworthiness_puts_factual_claims_first(seed, viewer_api):
    researched = researched_kinds()
    items = listed(viewer_api, article=seed.pk, ordering="-checkworthiness")
    scores = [item["checkworthiness"]["score"] for item in items]
    assert scores == sorted(scores, reverse=True)
    sentences_ = [
        item for item in items if researched[item["position"]] in ("claim", "opinion")
    ]
    assert {researched[i["position"]] for i in sentences_[:10]} == {Kind.CLAIM}
    assert {researched[i["position"]] for i in sentences_[-10:]} == {Kind.OPINION}


def test_worth_is_another_name_for_checkworthiness_ordering(seed, viewer_api):
    most_first = listed(viewer_api, article=seed.pk, ordering="-checkworthiness")
    assert listed(viewer_api, article=seed.pk, ordering="-worth") == most_first
    least_first = listed(viewer_api, article=seed.pk, ordering="checkworthiness")
    assert listed(viewer_api, article=seed.pk, ordering="worth") == least_first
    scores = [item["checkworthiness"]["score"] for item in least_first]
    assert scores == sorted(scores)
    default = listed(viewer_api, article=seed.pk)
    assert listed(viewer_api, article=seed.pk, ordering="updated_at") == default


@pytest.mark.parametrize("ordering", ["-checkworthiness", "checkworthiness"])
def test_paging_by_checkworthiness_visits_every_claim_once(seed, viewer_api, ordering):
    # Many claims share a score (a dozen at 0): the cursor must step over ties.
    pages = listed(viewer_api, article=seed.pk, ordering=ordering, page_size=4)
    assert sorted(positions(pages)) == list(range(1, 56))
    whole = listed(viewer_api, article=seed.pk, ordering=ordering)
    assert positions(pages) == positions(whole)


def test_min_checkworthiness_keeps_claims_at_or_above_the_score(seed, viewer_api):
    found = listed(viewer_api, article=seed.pk, min_checkworthiness="0.5")
    expected = seed.claims.filter(worth__gte=0.5).count()
    assert 0 < len(found) == expected < 55
    assert all(item["checkworthiness"]["score"] >= 0.5 for item in found)
    assert len(listed(viewer_api, article=seed.pk, min_checkworthiness=0)) == 55
    assert listed(viewer_api, article=seed.pk, min_checkworthiness=1) == []


def test_the_hint_filter_finds_contradictions_and_figures_in_english(
    editor, viewer_api
):
    article = ArticleFactory(
        text=(
            "Nexusflow was founded in 2023 by two researchers.\n"
            "Its models rival the best.\n"
            "Nexusflow, founded in 2021, raised $10.6M."
        ),
        analyse=True,
    )
    contradiction = listed(viewer_api, hint=assisting.CONTRADICTION)
    assert positions(contradiction) == [1, 3]
    (hint,) = hints_of(contradiction[1], assisting.CONTRADICTION)
    assert [s["text"] for s in hint["spans"]] == ["2023", "2021"]
    assert positions(listed(viewer_api, hint=assisting.NUMBER)) == [1, 3]
    assert listed(viewer_api, hint=assisting.NAME_VARIANT) == []
    unhinted = listed(viewer_api, article=article.pk, min_checkworthiness=0)
    assert len(unhinted) == 3


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_checkworthiness", "1.5"),
        ("min_checkworthiness", "-0.1"),
        ("min_checkworthiness", "high"),
        ("min_checkworthiness", "nan"),
        ("hint", "typo"),
        ("orphaned", "maybe"),
        ("text_changed", "yes"),
        ("ordering", "position"),
        ("ordering", "-updated_at"),
    ],
)
def test_claims_list_refuses_bad_assistance_filters(viewer_api, field, value):
    ArticleFactory()
    response = viewer_api.get(f"{API}/claims/", {field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]


# Have we checked this before?


def test_a_repeated_claim_gets_a_checked_before_hint(repeat, viewer_api, seed):
    original = claim_of(seed, 17)
    assert original.text == MARKET_SHARE
    claim = repeat.claims.get(text=REPEATED)
    body = viewer_api.get(claim_url(claim)).json()
    (hint,) = hints_of(body, assisting.CHECKED_BEFORE)
    assert hint["claim"] == original.pk
    assert hint["article"] == seed.pk
    assert hint["verdict"] == Verdict.VERIFIED
    assert hint["similarity"] == 100
    assert hint["sources"] == original.sources.count() == 5
    assert hint["spans"] == []
    found = listed(viewer_api, hint=assisting.CHECKED_BEFORE)
    assert [item["id"] for item in found] == [claim.pk]


def test_a_deleted_articles_verdicts_leave_stored_hints_and_matches(
    repeat, viewer_api, seed
):
    claim = repeat.claims.get(text=REPEATED)
    services.delete_article(article=seed, by=None)
    body = viewer_api.get(claim_url(claim)).json()
    assert hints_of(body, assisting.CHECKED_BEFORE) == []
    assert seed.title not in json.dumps(body, ensure_ascii=False)
    assert listed(viewer_api, hint=assisting.CHECKED_BEFORE) == []
    response = viewer_api.get(claim_url(claim, "matches"))
    assert (response.status_code, response.json()) == (200, [])


def test_an_editor_reimporting_a_deleted_articles_text_gets_a_new_article(
    seed, editor_api, seed_text
):
    services.delete_article(article=seed, by=None)
    response = editor_api.post(
        f"{API}/articles/", {"title": "Again", "text": seed_text}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["id"] != seed.pk
    assert seed.title not in response.content.decode()


def test_matches_give_the_earlier_verdict_with_its_sources(repeat, viewer_api, seed):
    original = claim_of(seed, 17)
    claim = repeat.claims.get(text=REPEATED)
    response = viewer_api.get(claim_url(claim, "matches"))
    assert response.status_code == 200
    (match,) = response.json()
    assert match["claim"] == original.pk
    assert match["public_id"] == original.public_id
    assert match["article"] == {"id": seed.pk, "title": seed.title}
    assert match["position"] == 17
    assert match["text"] == MARKET_SHARE
    assert match["verdict"] == Verdict.VERIFIED
    assert match["status"] == Status.PUBLISHED
    assert match["rationale"] == original.rationale
    assert match["verdict_at"].startswith(original.verdict_at.date().isoformat())
    assert match["similarity"] == 100
    assert [s["title"] for s in match["sources"]] == [
        s.title for s in original.sources.order_by("id")
    ]
    assert match["url"] == f"http://testserver{API}/claims/{original.pk}/"
    assert viewer_api.get(match["url"]).json()["id"] == original.pk


def test_claims_unlike_any_checked_claim_have_no_matches(repeat, viewer_api):
    for claim in repeat.claims.exclude(text=REPEATED):
        response = viewer_api.get(claim_url(claim, "matches"))
        assert response.status_code == 200
        assert response.json() == []


def test_matches_never_come_from_the_claims_own_article(seed, viewer_api):
    assert viewer_api.get(claim_url(claim_of(seed, 17), "matches")).json() == []


def test_matches_take_the_same_queries_however_many_sources(
    repeat, viewer_api, seed, editor
):
    url = claim_url(repeat.claims.get(text=REPEATED), "matches")
    few = queries_for(viewer_api, url)
    # A second checked copy in a third article, and more sources on each.
    third = ArticleFactory(text=f"Intro line.\n{MARKET_SHARE}", analyse=True)
    copy = claim_of(third, 2)
    for n in range(6):
        add_source(copy, url=f"https://example.org/{n}", added_by=editor)
    judge(copy, Verdict.DISPUTED, "Other estimates differ.", editor=editor)
    assert len(viewer_api.get(url).json()) == 2
    assert queries_for(viewer_api, url) == few


# Reusing a verdict


def reuse(client, claim: Claim, original: Claim | int, **extra):
    body = {
        "original": getattr(original, "pk", original),
        "version": fresh(claim).version,
    }
    return client.post(claim_url(claim, "reuse"), body | extra, format="json")


def test_reuse_copies_the_verdict_as_a_draft_crediting_the_original(
    repeat, editor_api, editor, seed
):
    original = claim_of(seed, 17)
    claim = repeat.claims.get(text=REPEATED)
    response = reuse(editor_api, claim, original)
    assert response.status_code == 200, response.content
    body = response.json()
    assert response["ETag"] == f'"{body["version"]}"'
    assert body["verdict"] == Verdict.VERIFIED
    assert body["status"] == Status.DRAFT
    assert body["reused_from"] == original.pk
    assert body["verdict_by"] == editor.username
    assert body["published_at"] is None
    assert body["rationale"].startswith(original.rationale)
    assert seed.title in body["rationale"] and "claim 17" in body["rationale"]
    assert sorted(s["title"] for s in body["sources"]) == sorted(
        original.sources.values_list("title", flat=True)
    )
    stored = fresh(claim)
    assert (stored.verdict, stored.status, stored.reused_from_id) == (
        Verdict.VERIFIED,
        Status.DRAFT,
        original.pk,
    )
    assert fresh(original).sources.count() == 5  # copied, not moved


def test_a_reused_verdict_stays_out_of_anonymous_exports(
    repeat, editor_api, anon, seed
):
    claim = repeat.claims.get(text=REPEATED)
    assert reuse(editor_api, claim, claim_of(seed, 17)).status_code == 200
    response = anon.get(f"{API}/export/verdicts.json", {"article": repeat.pk})
    assert json.loads(b"".join(response.streaming_content)) == []
    everyone = anon.get(f"{API}/export/verdicts.json")
    exported = json.loads(b"".join(everyone.streaming_content))
    assert claim.pk not in {row["claim_id"] for row in exported}
    assert claim_of(seed, 17).pk in {row["claim_id"] for row in exported}


def test_reuse_with_if_match_instead_of_a_body_version(repeat, editor_api, seed):
    claim = repeat.claims.get(text=REPEATED)
    response = editor_api.post(
        claim_url(claim, "reuse"),
        {"original": claim_of(seed, 17).pk},
        format="json",
        HTTP_IF_MATCH=f'"{claim.version}"',
    )
    assert response.status_code == 200, response.content


def test_reuse_of_a_claim_without_verdict_is_refused(repeat, editor_api, seed):
    claim = repeat.claims.get(text=REPEATED)
    unchecked = claim_of(seed, 11)
    assert unchecked.verdict == Verdict.UNREVIEWED
    response = reuse(editor_api, claim, unchecked)
    assert response.status_code == 400
    assert response.json() == {"original": [str(REUSE_NEEDS_VERDICT)]}
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_a_claim_cannot_reuse_its_own_verdict(seed, editor_api):
    claim = claim_of(seed, 12)
    response = reuse(editor_api, claim, claim)
    assert response.status_code == 400
    assert response.json() == {"original": [str(REUSE_SAME_CLAIM)]}


@pytest.mark.parametrize("which", ["unknown", "orphan", "deleted"])
def test_reuse_of_a_claim_that_is_not_live_is_not_found(
    repeat, editor_api, seed, which
):
    claim = repeat.claims.get(text=REPEATED)
    original = claim_of(seed, 17)
    if which == "unknown":
        original = 10**9
    elif which == "orphan":
        Claim.objects.filter(pk=original.pk).update(orphaned=True)
    else:
        services.delete_article(article=seed, by=None)
    response = reuse(editor_api, claim, original)
    assert response.status_code == 404
    assert list(response.json()) == ["original"]
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_reuse_with_a_stale_version_is_refused_with_412(repeat, editor_api, seed):
    claim = repeat.claims.get(text=REPEATED)
    response = reuse(editor_api, claim, claim_of(seed, 17), version=claim.version + 5)
    assert response.status_code == 412
    assert response.json()["id"] == claim.pk
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_reuse_without_a_version_is_refused_with_428(repeat, editor_api, seed):
    claim = repeat.claims.get(text=REPEATED)
    response = editor_api.post(
        claim_url(claim, "reuse"), {"original": claim_of(seed, 17).pk}, format="json"
    )
    assert response.status_code == 428


@pytest.mark.parametrize(
    "body", [{}, {"original": "x"}, {"original": 0}, {"original": 5, "extra": 1}]
)
def test_reuse_refuses_a_malformed_body(repeat, editor_api, body):
    claim = repeat.claims.get(text=REPEATED)
    response = editor_api.post(
        claim_url(claim, "reuse"), body | {"version": 1}, format="json"
    )
    assert response.status_code == 400


def test_reuse_onto_a_published_verdict_is_refused(seed, editor_api):
    # Seed claim 10 is published: its verdict changes only by correction.
    response = reuse(editor_api, claim_of(seed, 10), claim_of(seed, 12))
    assert response.status_code == 400
    assert fresh(claim_of(seed, 10)).reused_from_id is None


# New versions of an article


def edited(seed_text: str) -> str:
    assert CHANGED_FROM in seed_text and REMOVED in seed_text
    return seed_text.replace(CHANGED_FROM, CHANGED_TO).replace(REMOVED, "")


def snapshot(article: Article) -> dict[int, tuple]:
    """What each claim's verdict is, with its sources."""
    return {
        claim.pk: (
            claim.verdict,
            claim.rationale,
            claim.status,
            sorted(claim.sources.values_list("url", "stance")),
        )
        for claim in article.claims.all()
    }


@pytest.fixture
def reimported(seed, editor_api, seed_text):
    """The seed, lightly edited, imported as its version 2 through the API."""
    before = snapshot(seed)
    response = editor_api.post(
        article_url(seed, "versions"), {"text": edited(seed_text)}, format="json"
    )
    assert response.status_code == 201, response.content
    return {"response": response, "before": before}


def test_a_new_version_reports_what_happened_to_the_claims(reimported):
    assert reimported["response"].json() == {
        "version": 2,
        "kept": 53,
        "changed": 1,
        "orphaned": 1,
        "added": 0,
    }


def test_a_new_version_keeps_every_verdict_but_the_changed_and_removed_ones(
    reimported, seed, viewer_api, seed_text
):
    changed, removed = claim_of(seed, 9), seed.claims.get(text=REMOVED.strip())
    before, after = reimported["before"], snapshot(seed)
    for pk in before.keys() - {changed.pk, removed.pk}:
        assert after[pk] == before[pk]
    items = {item["id"]: item for item in listed(viewer_api, article=seed.pk)}
    assert len(items) == 54
    assert removed.pk not in items
    assert [pk for pk, item in items.items() if item["text_changed"]] == [changed.pk]
    flagged = items[changed.pk]
    assert CHANGED_TO in flagged["text"]
    assert flagged["verdict"] == Verdict.MISSTATED  # kept, to be checked again
    assert flagged["status"] == Status.DRAFT
    assert flagged["approved_by"] is None
    text = viewer_api.get(article_url(seed)).json()["text"]
    assert text == edited(seed_text)
    for item in items.values():
        assert text[item["start"] : item["end"]] == item["text"]
    found = listed(viewer_api, article=seed.pk, text_changed="true")
    assert [item["id"] for item in found] == [changed.pk]


def test_the_removed_claim_is_kept_as_an_orphan_with_its_verdict_and_sources(
    reimported, seed, viewer_api
):
    removed = seed.claims.get(text=REMOVED.strip())
    (orphan,) = listed(viewer_api, article=seed.pk, orphaned="true")
    assert orphan["id"] == removed.pk
    assert orphan["orphaned"] is True
    assert orphan["verdict"] == Verdict.DISPUTED
    assert orphan["status"] == Status.PUBLISHED
    assert len(orphan["sources"]) == 4
    assert reimported["before"][removed.pk] == snapshot(seed)[removed.pk]
    detail = viewer_api.get(claim_url(removed))
    assert detail.status_code == 200
    assert detail.json()["orphaned"] is True
    assert viewer_api.get(claim_url(removed, "history")).status_code == 200
    assert listed(viewer_api, article=seed.pk, orphaned="false") == listed(
        viewer_api, article=seed.pk
    )


def test_orphans_cannot_be_changed_through_the_api(reimported, seed, editor_api):
    removed = fresh(seed.claims.get(text=REMOVED.strip()))
    response = editor_api.patch(
        claim_url(removed),
        {"rationale": "Edited.", "version": removed.version},
        format="json",
    )
    assert response.status_code == 404
    assert fresh(removed).rationale == removed.rationale


def test_a_changed_published_verdict_leaves_the_public_export(reimported, seed, anon):
    response = anon.get(f"{API}/export/verdicts.json", {"article": seed.pk})
    rows = json.loads(b"".join(response.streaming_content))
    exported = {row["claim_id"] for row in rows}
    published = set(
        seed.claims.filter(status=Status.PUBLISHED, orphaned=False).values_list(
            "pk", flat=True
        )
    )
    assert exported == published
    assert claim_of(seed, 9).pk not in exported
    assert seed.claims.get(text=REMOVED.strip()).pk not in exported


def test_article_shows_its_version_and_orphan_count(reimported, seed, viewer_api):
    body = viewer_api.get(article_url(seed)).json()
    assert (body["version"], body["orphan_count"]) == (2, 1)
    assert body["counts"]["units"] == 54
    (row,) = viewer_api.get(f"{API}/articles/").json()["results"]
    assert (row["version"], row["orphan_count"]) == (2, 1)


def test_an_article_says_whether_its_analysis_is_pending(seed, viewer_api):
    body = viewer_api.get(article_url(seed)).json()
    assert body["analysis_pending"] is False and body["analysed_at"]
    pending = ArticleFactory()  # imported without analysis
    body = viewer_api.get(article_url(pending)).json()
    assert (body["analysis_pending"], body["analysed_at"]) == (True, None)


def test_a_fresh_article_is_version_1_without_orphans(viewer_api):
    article = ArticleFactory()
    body = viewer_api.get(article_url(article)).json()
    assert (body["version"], body["orphan_count"]) == (1, 0)
    listed_ = viewer_api.get(article_url(article, "versions")).json()
    assert [row["number"] for row in listed_] == [1]


def test_versions_lists_the_current_version_and_the_earlier_ones(
    reimported, seed, viewer_api, seed_text, editor
):
    response = viewer_api.get(article_url(seed, "versions"))
    assert response.status_code == 200
    current, first = response.json()
    assert current["number"] == 2
    assert current["length"] == len(edited(seed_text))
    assert current["sha256"] == Article.objects.get(pk=seed.pk).sha256
    assert current["imported_by"] == editor.username
    assert first["number"] == 1
    assert first["length"] == len(seed_text)
    assert first["sha256"] == seed.sha256
    assert first["imported_by"] == "editor"
    assert first["imported_at"] < current["imported_at"]
    assert "text" not in first


def test_a_version_gives_its_text(reimported, seed, viewer_api, seed_text):
    old = viewer_api.get(article_url(seed, "versions/1"))
    assert old.status_code == 200
    assert old.json()["text"] == seed_text
    assert old.json()["number"] == 1
    assert old.json()["length"] == len(seed_text)
    new = viewer_api.get(article_url(seed, "versions/2")).json()
    assert new["text"] == edited(seed_text)


def test_a_version_diff_shows_what_the_next_version_changed(
    reimported, seed, viewer_api, seed_text
):
    response = viewer_api.get(article_url(seed, "versions/1"), {"diff": "1"})
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["against"]) == (1, 2)
    pieces = body["diff"]
    assert "".join(p["text"] for p in pieces if p["op"] != "insert") == seed_text
    assert "".join(p["text"] for p in pieces if p["op"] != "delete") == edited(
        seed_text
    )
    changes = [(p["op"], p["text"]) for p in pieces if p["op"] != "equal"]
    assert ("delete", "全球") in changes and ("insert", "世界") in changes
    assert any(op == "delete" and "转化率" in text for op, text in changes)


@pytest.mark.parametrize(
    ("path", "params", "status_code", "field"),
    [
        ("versions/0", {}, 404, None),
        ("versions/3", {}, 404, None),
        ("versions/2", {"diff": "1"}, 400, "diff"),
        ("versions/1", {"diff": "sometimes"}, 400, "diff"),
        ("versions/1", {"since": "1"}, 400, "since"),
    ],
)
def test_a_version_that_does_not_exist_or_a_bad_parameter_is_refused(
    reimported, seed, viewer_api, path, params, status_code, field
):
    response = viewer_api.get(article_url(seed, path), params)
    assert response.status_code == status_code
    if field:
        assert list(response.json()) == [field]


def test_a_new_version_can_be_uploaded_as_a_gbk_file(seed, editor_api, seed_text):
    upload = SimpleUploadedFile("v2.txt", edited(seed_text).encode("gb18030"))
    response = editor_api.post(
        article_url(seed, "versions"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    assert Article.objects.get(pk=seed.pk).text == edited(seed_text)


def test_a_new_version_can_be_an_html_file(editor_api, editor):
    article = ArticleFactory(text="First line here.\nSecond line here.")
    html = "<html><body><p>First line here.</p><p>Second line, new.</p></body></html>"
    upload = SimpleUploadedFile("v2.html", html.encode())
    response = editor_api.post(
        article_url(article, "versions"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    assert response.json()["kept"] == 1


def refused_version(client, article: Article, data: dict, **kwargs) -> dict:
    before = (
        Article.objects.values_list("text", "sha256").get(pk=article.pk),
        ArticleVersion.objects.count(),
        sorted(Claim.objects.values_list("pk", "start", "end", "orphaned")),
    )
    response = client.post(article_url(article, "versions"), data, **kwargs)
    assert response.status_code == 400, response.content
    after = (
        Article.objects.values_list("text", "sha256").get(pk=article.pk),
        ArticleVersion.objects.count(),
        sorted(Claim.objects.values_list("pk", "start", "end", "orphaned")),
    )
    assert after == before
    return response.json()


def test_a_new_version_identical_to_the_current_one_is_refused(seed, editor_api):
    body = refused_version(editor_api, seed, {"text": seed.text}, format="json")
    assert body == {"text": [str(versions.UNCHANGED)], "code": "unchanged"}


def test_a_new_version_with_another_articles_text_is_refused(seed, editor_api):
    other = ArticleFactory(text="Already here.\nAnd imported.")
    body = refused_version(editor_api, seed, {"text": other.text}, format="json")
    assert body["code"] == "duplicate"
    assert f"article {other.pk}" in body["text"][0]


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_an_empty_new_version_is_refused(seed, editor_api, text):
    body = refused_version(editor_api, seed, {"text": text}, format="json")
    assert body["code"] == "empty"


def test_a_new_version_over_the_size_limit_is_refused(editor_api, import_limit):
    article = ArticleFactory()
    body = refused_version(
        editor_api, article, {"text": "很长的句子。" * 200}, format="json"
    )
    assert body["code"] == "too_large"
    assert body["text"][0].startswith("The text is ")
    upload = SimpleUploadedFile("big.txt", ("很长的句子。" * 200).encode())
    body = refused_version(editor_api, article, {"file": upload}, format="multipart")
    assert (list(body), body["code"]) == (["file", "code"], "too_large")


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "text"), ({"text": "New text here.", "title": "New title"}, "title")],
)
def test_a_new_version_needs_text_or_a_file_and_nothing_else(editor_api, data, field):
    article = ArticleFactory()
    body = refused_version(editor_api, article, data, format="json")
    assert list(body) == [field]


def test_a_new_version_with_both_text_and_a_file_is_refused(editor_api):
    article = ArticleFactory()
    upload = SimpleUploadedFile("v2.txt", b"Another text.")
    body = refused_version(
        editor_api, article, {"text": "Text.", "file": upload}, format="multipart"
    )
    assert list(body) == ["text"]


def test_new_versions_of_a_deleted_article_are_not_found(editor_api):
    article = ArticleFactory()
    services.delete_article(article=article, by=None)
    response = editor_api.post(
        article_url(article, "versions"), {"text": "New."}, format="json"
    )
    assert response.status_code == 404


def test_versions_list_takes_the_same_queries_however_many_versions(
    editor_api, viewer_api
):
    article = ArticleFactory(text=sentences(4))
    url = article_url(article, "versions")
    few = queries_for(viewer_api, url)
    for n in range(1, 12):
        response = editor_api.post(
            url, {"text": sentences(4 + n, start=n)}, format="json"
        )
        assert response.status_code == 201
    assert len(viewer_api.get(url).json()) == 12
    assert queries_for(viewer_api, url) == few


# Search


def search(client, **params):
    return client.get(f"{API}/search/", params)


def found_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def test_search_finds_a_chinese_name_in_claims_and_rationales(seed, viewer_api):
    response = search(viewer_api, q=JIAO_RIGHT)
    ids = set(found_ids(response))
    in_text = set(seed.claims.filter(text__contains=JIAO_RIGHT).values_list("pk"))
    assert {pk for (pk,) in in_text} <= ids
    assert claim_of(seed, 5).pk in ids  # in its rationale only
    first = response.json()["results"][0]
    assert first["article"] == {"id": seed.pk, "title": seed.title}
    assert set(first) >= {"text", "verdict", "status", "verdict_by", "updated_at"}


def test_search_finds_english_words_in_rationales_and_source_titles(seed, viewer_api):
    ids = found_ids(search(viewer_api, q="Stanford PhD"))
    assert claim_of(seed, 9).pk in ids
    titled = found_ids(search(viewer_api, q="Nvidia taps"))
    assert titled
    for pk in titled:
        claim = Claim.objects.get(pk=pk)
        assert claim.sources.filter(title__icontains="Nvidia taps").exists()


def test_search_needs_every_word(seed, viewer_api):
    both = set(found_ids(search(viewer_api, q=f"Nexusflow {JIAO_RIGHT}")))
    nexusflow = set(found_ids(search(viewer_api, q="Nexusflow")))
    jiao = set(found_ids(search(viewer_api, q=JIAO_RIGHT)))
    assert both == nexusflow & jiao
    assert both < nexusflow
    assert found_ids(search(viewer_api, q="Nexusflow 不存在的词")) == []


def test_search_filters_by_verdict_and_dates(seed, viewer_api):
    misstated = found_ids(search(viewer_api, q=JIAO_RIGHT, verdict="misstated"))
    assert misstated
    assert set(
        Claim.objects.filter(pk__in=misstated).values_list("verdict", flat=True)
    ) == {Verdict.MISSTATED}
    today = timezone.localdate()
    day_before = today - datetime.timedelta(days=1)
    checked_today = found_ids(search(viewer_api, q="英伟达", **{"from": today}))
    assert checked_today
    assert all(Claim.objects.get(pk=pk).verdict_at for pk in checked_today)
    assert found_ids(search(viewer_api, q="英伟达", until=day_before)) == []
    window = found_ids(
        search(viewer_api, q="英伟达", **{"from": day_before, "until": today})
    )
    assert window == checked_today


def test_search_finds_words_across_scripts_only_as_written(repeat, viewer_api):
    assert found_ids(search(viewer_api, q="英偉達")) == [
        repeat.claims.get(text=REPEATED).pk
    ]


def test_search_leaves_out_orphans_and_deleted_articles(reimported, seed, viewer_api):
    assert found_ids(search(viewer_api, q="转化率")) == []
    services.delete_article(article=seed, by=None)
    assert found_ids(search(viewer_api, q=JIAO_RIGHT)) == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "英伟达", "verdict": "true"}, "verdict"),
        ({"q": "英伟达", "from": "yesterday"}, "from"),
        ({"q": "英伟达", "until": "2025-13-01"}, "until"),
        ({"q": "英伟达", "from": "2025-07-02", "until": "2025-07-01"}, "until"),
        ({"q": "英伟达", "sort": "new"}, "sort"),
    ],
)
def test_search_refuses_bad_parameters_naming_them(viewer_api, params, field):
    response = search(viewer_api, **params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_search_accepts_200_characters(viewer_api):
    assert search(viewer_api, q="字" * 200).status_code == 200


def test_search_pages_with_a_cursor(viewer_api):
    ArticleFactory(text=sentences(30))
    first = search(viewer_api, q="Sentence", page_size=4)
    seen = found_ids(first)
    response = first
    while response.json()["next"]:
        response = viewer_api.get(response.json()["next"])
        seen += found_ids(response)
    assert len(seen) == len(set(seen)) == 15


def test_search_takes_the_same_queries_for_few_and_many_results(editor, viewer_api):
    def grow(start: int, count: int) -> None:
        article = ArticleFactory(text=sentences(count, start=start))
        for claim in article.claims.all()[:10]:
            judge(claim, Verdict.VERIFIED, "Sentence checked.", editor=editor)
            add_source(claim, title="Sentence source", added_by=editor)

    url = f"{API}/search/"
    grow(0, 6)
    few = queries_for(viewer_api, url, {"q": "Sentence"})
    grow(1000, 200)
    assert len(search(viewer_api, q="Sentence").json()["results"]) == 100
    assert queries_for(viewer_api, url, {"q": "Sentence"}) == few


# Analysing again


def test_analysing_again_finds_verdicts_given_since(editor, editor_api):
    later = ArticleFactory(text=REPEAT_TEXT, analyse=True)
    claim = later.claims.get(text=REPEATED)
    assert not [h for h in claim.hints if h["type"] == assisting.CHECKED_BEFORE]
    earlier = ArticleFactory(text=f"Opening line.\n{MARKET_SHARE}", analyse=True)
    add_source(claim_of(earlier, 2), added_by=editor)
    judge(claim_of(earlier, 2), Verdict.VERIFIED, "Analysts agree.", editor=editor)
    response = editor_api.post(article_url(later, "analyse"))
    assert response.status_code == 202, response.content
    job = response.json()
    assert (job["kind"], job["article"], job["status"]) == ("analyse", later.pk, "done")
    counts = editor_api.get(f"{API}/jobs/{job['id']}/").json()["hints"]
    assert counts == job["hints"]
    assert counts["checked_before"] == 1
    assert counts["contradiction"] == 0
    assert counts["name_variant"] == 0
    assert counts["number"] >= 2  # 2023, 80%
    body = editor_api.get(claim_url(claim)).json()
    (hint,) = hints_of(body, assisting.CHECKED_BEFORE)
    assert hint["claim"] == claim_of(earlier, 2).pk


def test_analysing_the_seed_again_counts_its_hints(seed, editor_api):
    response = editor_api.post(article_url(seed, "analyse"))
    assert response.status_code == 202
    counts = response.json()["hints"]
    assert counts["name_variant"] == 1
    assert counts["contradiction"] == 0
    assert counts["checked_before"] == 0
    assert counts["number"] == sum(
        len([h for h in c.hints if h["type"] == assisting.NUMBER])
        for c in seed.claims.all()
    )


# Who may do what


@pytest.fixture
def world(repeat, seed) -> dict:
    return {
        "seed": seed,
        "repeat": repeat,
        "claim": repeat.claims.get(text=REPEATED),
        "original": claim_of(seed, 17),
    }


READS = {
    "claims by worth": lambda w: (f"{API}/claims/", {"ordering": "-checkworthiness"}),
    "claims with a hint": lambda w: (f"{API}/claims/", {"hint": "name_variant"}),
    "orphans": lambda w: (f"{API}/claims/", {"orphaned": "true"}),
    "matches": lambda w: (claim_url(w["claim"], "matches"), {}),
    "versions": lambda w: (article_url(w["seed"], "versions"), {}),
    "version": lambda w: (article_url(w["seed"], "versions/1"), {}),
    "search": lambda w: (f"{API}/search/", {"q": "英伟达"}),
}


def write(world: dict, name: str) -> tuple[str, dict, int]:
    """(url, JSON body, the editor's success status) of each write."""
    claim = world["claim"]
    return {
        "new version": (
            article_url(world["repeat"], "versions"),
            {"text": f"{REPEAT_TEXT}\nOne more line."},
            201,
        ),
        "reuse": (
            claim_url(claim, "reuse"),
            {"original": world["original"].pk, "version": fresh(claim).version},
            200,
        ),
        "analyse": (article_url(world["repeat"], "analyse"), {}, 202),
    }[name]


WRITES = ("new version", "reuse", "analyse")


def stored() -> tuple:
    return (
        list(Article.objects.order_by("pk").values_list("pk", "text")),
        list(
            Claim.objects.order_by("pk").values_list(
                "pk", "verdict", "status", "version", "hints", "orphaned"
            )
        ),
        ArticleVersion.objects.count(),
    )


@pytest.mark.parametrize("name", READS)
def test_viewers_may_read_and_search(world, viewer_api, name):
    url, params = READS[name](world)
    assert viewer_api.get(url, params).status_code == 200


@pytest.mark.parametrize("name", READS)
def test_anonymous_clients_may_not_read_or_search(world, anon, name):
    url, params = READS[name](world)
    response = anon.get(url, params)
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}


@pytest.mark.parametrize("name", READS)
def test_users_without_a_role_may_not_read_or_search(world, name):
    url, params = READS[name](world)
    response = client_of(UserFactory(role="")).get(url, params)
    assert response.status_code == 403


@pytest.mark.parametrize("name", WRITES)
def test_editors_may_reimport_reuse_and_analyse(world, editor_api, name):
    url, body, success = write(world, name)
    response = editor_api.post(url, body, format="json")
    assert response.status_code == success, response.content


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("role", ["viewer", ""])
def test_viewers_and_users_without_a_role_may_not_write(world, name, role):
    url, body, _success = write(world, name)
    before = stored()
    user = UserFactory(role=role)
    response = client_of(user).post(url, body, format="json")
    assert response.status_code == 403
    assert "editor" in response.json()["detail"]
    assert stored() == before


@pytest.mark.parametrize("name", WRITES)
def test_anonymous_clients_may_not_write(world, anon, name):
    url, body, _success = write(world, name)
    before = stored()
    response = anon.post(url, body, format="json")
    assert response.status_code == 401
    assert stored() == before


# Query counts


def test_claims_list_with_hints_takes_the_same_queries_for_few_and_many(
    editor, viewer_api
):
    url = f"{API}/claims/"
    params = {"page_size": 1000, "ordering": "-checkworthiness"}
    ArticleFactory(text=sentences(10), analyse=True)
    few = queries_for(viewer_api, url, params)
    article = ArticleFactory(text=sentences(300, start=5000), analyse=True)
    for claim in article.claims.all()[:40:4]:
        add_source(claim, added_by=editor)
        judge(claim, Verdict.VERIFIED, editor=editor)
    assert Claim.objects.exclude(hints=[]).count() > 200
    assert queries_for(viewer_api, url, params) == few
    filtered = {**params, "hint": "number", "min_checkworthiness": "0.1"}
    assert queries_for(viewer_api, url, filtered) == few


def test_the_new_endpoints_are_in_the_schema(anon):
    schema = json.loads(anon.get("/api/schema/", {"format": "json"}).content)
    paths = schema["paths"]
    assert {
        f"{API}/claims/{{id}}/matches/",
        f"{API}/claims/{{id}}/reuse/",
        f"{API}/articles/{{id}}/versions/",
        f"{API}/articles/{{id}}/versions/{{number}}/",
        f"{API}/articles/{{id}}/analyse/",
        f"{API}/search/",
    } <= set(paths)
    claims = {p["name"] for p in paths[f"{API}/claims/"]["get"]["parameters"]}
    assert {"ordering", "min_checkworthiness", "hint", "orphaned", "text_changed"} <= (
        claims
    )
    search_ = {p["name"]: p for p in paths[f"{API}/search/"]["get"]["parameters"]}
    assert search_["q"]["required"] is True
    assert {"verdict", "from", "until", "cursor"} <= set(search_)
    claim_schema = schema["components"]["schemas"]["Claim"]["properties"]
    assert {"hints", "checkworthiness", "text_changed", "orphaned", "reused_from"} <= (
        set(claim_schema)
    )


def test_publishing_a_reused_verdict_makes_it_public(
    repeat, editor_api, anon, seed, reviewer
):
    claim = repeat.claims.get(text=REPEATED)
    assert reuse(editor_api, claim, claim_of(seed, 17)).status_code == 200
    publish(fresh(claim), reviewer)
    response = anon.get(f"{API}/export/verdicts.json", {"article": repeat.pk})
    (row,) = json.loads(b"".join(response.streaming_content))
    assert (row["claim_id"], row["verdict"]) == (claim.pk, Verdict.VERIFIED)
