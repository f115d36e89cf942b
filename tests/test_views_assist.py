"""Editor assistance in the browser: hints, triage, search, reused verdicts and
new versions of an article, on the real seed article."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from annotations import demo, services
from annotations.models import Article, ArticleVersion, Claim, Kind, Status, Verdict
from annotations.services import reviewing, versions

from .factories import (
    ArticleFactory,
    UserFactory,
    approve,
    claim_of,
    fresh,
    judge,
    sentences,
)
from .helpers import body_of, queries_for, signed_in
from .test_views import HTMX, unit_html

pytestmark = pytest.mark.django_db

# The seed's claim 5 names 焦建涛, which the rest of the article writes 焦剑涛.
MISSPELT, USUAL = "\u7126\u5efa\u6d9b", "\u7126\u5251\u6d9b"
# A light edit of the seed: one sentence changed, one removed, one added.
CHANGED_FROM = "2023年,两人还联手创业"
CHANGED_TO = "2022年底,两人联手创业"
REMOVED = (
    "更引人注目的是,两人在社交媒体上高调晒出与黄仁勋的合照,"
    "兴奋之情溢于言表,显然对这次合作充满期待。\n"
)
ADDED_AFTER = "而中美在AI领域的竞争早已进入白热化阶段。"
ADDED = "英伟达2024财年的数据中心收入达到475亿美元,同比增长217%。"


# People, articles and helpers


@pytest.fixture
def seed(editor) -> Article:
    """The demo article with its researched (published) verdicts and analysis."""
    article, created = demo.load_demo_article()
    assert created
    return article


@pytest.fixture
def fresh_seed(editor, seed_text) -> Article:
    """The seed text imported and analysed, with no verdict yet."""
    return services.import_article(
        text=seed_text, title="Seed", imported_by=editor, analyse=True
    )


def workspace(client, article: Article, **query) -> str:
    url = reverse("desk:workspace", args=[article.pk])
    response = client.get(url, query)
    assert response.status_code == 200
    return body_of(response)


def panel_of(client, claim: Claim, **query) -> str:
    response = client.get(reverse("desk:claim_panel", args=[claim.pk]), query, **HTMX)
    assert response.status_code == 200
    return body_of(response)


def section(body: str, element_id: str) -> str:
    """The element with ``element_id`` (up to its closing tag of the same name)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"', body)
    assert match, f"#{element_id} is not on the page"
    tag = match.group(1)
    end = body.index(f"</{tag}>", match.end())
    return body[match.start() : end]


def edited_seed(text: str) -> str:
    new = (
        text.replace(CHANGED_FROM, CHANGED_TO)
        .replace(REMOVED, "")
        .replace(ADDED_AFTER, f"{ADDED_AFTER}\n{ADDED}")
    )
    assert new.count("\n") == text.count("\n")
    return new


def follow_up(editor, *sentences_: str) -> Article:
    """A second article repeating sentences of the seed (analysed)."""
    return services.import_article(
        text="\n".join(["清华系AI人才再受关注", *sentences_]),
        title="Follow-up",
        imported_by=editor,
        analyse=True,
    )


# Hints in the panel and in the text


def test_panel_shows_the_name_variant_with_the_suggested_verdict(client, editor, seed):
    signed_in(client, editor)
    body = workspace(client, seed, claim=claim_of(seed, 5).pk)
    hints = section(body, "hints")
    assert f"“{MISSPELT}” is probably a misspelling of “{USUAL}”." in hints
    assert f'<span class="name-form">{MISSPELT} <span class="times">×1</span>' in hints
    assert f"{USUAL} <span" in hints and "×6" in hints
    assert "Suggested verdict:" in hints
    assert '<span class="vchip v-misstated">' in hints
    # The seed already says misstated (published): nothing to apply.
    assert "The verdict already says so." in hints
    # The page builds its own (translatable) message, not the API's English one.
    assert "The article writes this name" not in body


def test_the_misspelt_name_and_the_figures_are_marked_in_the_text(client, editor, seed):
    signed_in(client, editor)
    body = workspace(client, seed)
    name_span = unit_html(body, 5)
    assert f'<mark class="name-variant" data-fig="157">{MISSPELT}</mark>' in name_span
    assert "has-hints" in name_span and 'class="hint-mark"' in name_span
    money = unit_html(body, 11)
    claim = claim_of(seed, 11)
    offset = claim.start + claim.text.index("1060万美元")
    assert f'<mark class="fig fig-money" data-fig="{offset}">1060万美元</mark>' in money
    assert '<mark class="fig fig-date" data-fig="0">6月28日</mark>' in unit_html(
        body, 1
    )
    assert '<mark class="fig fig-percent"' in unit_html(body, 17)
    # Only figures: no hint marker.
    assert "hint-mark" not in money


def test_panel_shows_figure_chips_and_check_worthiness(client, editor, seed):
    signed_in(client, editor)
    body = panel_of(client, claim_of(seed, 11))
    figures = section(body, "figures")
    assert 'class="fig-chip fig-money"' in figures and "1060万美元" in figures
    assert '<b class="worth-score" id="worth-score">0.40</b>' in body
    reasons = section(body, "worth-reasons")
    assert '<span class="reason reason-plus"><b>+money</b> 1060万美元</span>' in reasons
    assert '<span class="reason reason-minus"><b>−opinion</b> 妥妥的</span>' in reasons
    assert 'width="40"' in section(body, "worth")
    assert 'id="hints"' not in body  # figures are not hints


def test_mark_misstated_fills_the_verdict_form_and_the_editor_saves(
    client, editor, fresh_seed
):
    claim = claim_of(fresh_seed, 5)
    signed_in(client, editor)
    body = panel_of(client, claim)
    button = section(body, "suggest-button")
    assert "Mark misstated" in button
    index = re.search(r"\?suggest=(\d+)", button).group(1)
    assert (
        f"?claim={claim.public_id}&amp;suggest={index}#claim-{claim.public_id}"
        in button
    )
    filled = panel_of(client, claim, suggest=index)
    rationale = f"The name is written {USUAL} elsewhere in the article (6 times)."
    assert rationale in filled
    assert 'id="suggestion-note"' in filled
    assert re.search(r'value="misstated" class="primary" id="save-button"', filled)
    assert fresh(claim).verdict == Verdict.UNREVIEWED  # nothing saved yet
    response = client.post(
        reverse("desk:claim_save", args=[claim.pk]),
        {"verdict": "misstated", "rationale": rationale, "kind": Kind.CLAIM}
        | {"version": claim.version},
    )
    assert response.status_code == 302
    saved = fresh(claim)
    assert (saved.verdict, saved.status) == (Verdict.MISSTATED, Status.DRAFT)
    assert saved.rationale == rationale


def test_mark_misstated_works_without_javascript(client, editor, fresh_seed):
    claim = claim_of(fresh_seed, 5)
    signed_in(client, editor)
    index = next(
        n for n, hint in enumerate(claim.hints) if hint.get("suggested_verdict")
    )
    body = workspace(client, fresh_seed, claim=claim.pk, suggest=index)
    assert f"The name is written {USUAL} elsewhere" in section(body, "verdict-form")
    # A bad ?suggest= is ignored.
    assert 'id="suggestion-note"' not in workspace(
        client, fresh_seed, claim=claim.pk, suggest="x"
    )


def test_mark_misstated_on_a_published_claim_fills_a_correction(
    client, editor, reviewer, seed
):
    claim = claim_of(seed, 5)
    # A published verdict other than the suggested one (through a correction).
    reviewing.propose_correction(
        claim=claim,
        editor=editor,
        verdict=Verdict.VERIFIED,
        rationale="Second look.",
        reason="For the test.",
        expected_version=claim.version,
    )
    approve(claim, reviewer)
    assert fresh(claim).verdict == Verdict.VERIFIED
    signed_in(client, editor)
    body = panel_of(client, claim)
    assert "Propose it as a correction" in section(body, "suggest-button")
    index = next(n for n, h in enumerate(claim.hints) if h.get("suggested_verdict"))
    filled = panel_of(client, claim, suggest=index)
    form = section(filled, "correction-form")
    assert '<option value="misstated" selected>' in form
    assert f"The name is written {USUAL} elsewhere" in form


def test_hint_spans_older_than_the_text_mark_nothing(client, editor):
    article = ArticleFactory(text="Revenue was $5 million last year.")
    claim = claim_of(article)
    Claim.objects.filter(pk=claim.pk).update(
        hints=[
            {
                "type": "number",
                "kind": "money",
                "message": "$9",
                "spans": [{"start": 12, "end": 14, "text": "$9"}],
            },
            {
                "type": "number",
                "kind": "<b>",
                "message": "x",
                "spans": [{"start": 0, "end": 999, "text": "x"}],
            },
        ]
    )
    signed_in(client, editor)
    span = unit_html(workspace(client, article), 1)
    assert "<mark" not in span and "<b>" not in span


# Triage


def test_triage_lists_a_factual_claim_first_with_score_bars(client, editor, seed):
    signed_in(client, editor)
    body = workspace(client, seed, view="triage")
    rows = re.findall(r'<li class="triage-row[^"]*" id="triage-(\d+)"', body)
    claims = {c.pk: c for c in seed.claims.all()}
    ordered = [claims[int(pk)] for pk in rows]
    assert ordered[0].kind == Kind.CLAIM
    assert ordered[0].worth == max(c.worth for c in claims.values())
    assert [c.worth for c in ordered] == sorted(
        (c.worth for c in ordered), reverse=True
    )
    assert not {c.kind for c in ordered} & {Kind.HEADING, Kind.BOILERPLATE}
    first = section(body, f"triage-{ordered[0].pk}")
    assert 'class="worth-fill worth-high" width="90"' in first
    assert (
        f'href="/articles/{seed.pk}/?claim={ordered[0].public_id}'
        f'#claim-{ordered[0].public_id}"' in first
    )
    assert 'id="article"' not in body  # the list replaces the text


def test_triage_filter_keeps_claims_worth_at_least_one_half(client, editor, seed):
    signed_in(client, editor)
    body = workspace(client, seed, view="triage", worth="high")
    rows = [int(pk) for pk in re.findall(r'id="triage-(\d+)"', body)]
    expected = seed.claims.filter(worth__gte=0.5).exclude(
        kind__in=[Kind.HEADING, Kind.BOILERPLATE]
    )
    assert sorted(rows) == sorted(expected.values_list("pk", flat=True))
    assert 'id="worth-high" aria-current="true"' in body


def scored_article(count: int, start: int) -> Article:
    article = ArticleFactory(text=sentences(count, start=start))
    Claim.objects.filter(article=article).update(
        worth=0.6,
        worth_reasons=["+money $1.5 million", "\u2212opinion clearly"],
        hints=[{"type": "name_variant", "message": "x", "spans": []}],
    )
    return article


@pytest.mark.parametrize("view", ["triage", "text"])
def test_workspace_views_use_constant_queries(
    client, editor, view, django_assert_max_num_queries
):
    few, many = scored_article(10, 0), scored_article(1500, 50_000)
    signed_in(client, editor)
    counts = [
        queries_for(client, reverse("desk:workspace", args=[a.pk]) + f"?view={view}")
        for a in (few, many)
    ]
    assert counts[0] == counts[1]
    # Session, user, permissions (two), queue count, article, units (or the
    # triage list), progress, the latest analysis job and the editors the
    # article can be assigned to.
    with django_assert_max_num_queries(10):
        body = workspace(client, many, view=view)
    if view == "triage":
        assert body.count('class="triage-row') == 1500
    else:
        assert body.count("has-hints") == 1500


# Search


def search(client, status: int = 200, **query) -> str:
    response = client.get(reverse("desk:search"), query)
    assert response.status_code == status
    return body_of(response)


def test_search_finds_chinese_substrings_and_highlights_them(client, viewer, seed):
    signed_in(client, viewer)
    body = search(client, q=USUAL)
    expected = Claim.objects.filter(article=seed, orphaned=False).filter(
        text__contains=USUAL
    ) | Claim.objects.filter(article=seed, rationale__contains=USUAL)
    assert f"{expected.distinct().count()} claims found" in body
    result = section(body, f"result-{claim_of(seed, 8).pk}")
    assert f"<mark>{USUAL}</mark>更狠" in result
    public_id = claim_of(seed, 8).public_id
    assert f'href="/articles/{seed.pk}/?claim={public_id}#claim-{public_id}"' in result
    assert html.escape(seed.title) in result
    assert '<span class="vchip v-unreviewed">' in result


def test_search_finds_english_terms_case_insensitively(client, viewer, seed):
    signed_in(client, viewer)
    body = search(client, q="nexusflow")
    assert "<mark>Nexusflow</mark>" in section(body, f"result-{claim_of(seed, 10).pk}")
    # Every word must match: in the text, the rationale or a source title.
    both = search(client, q="Nexusflow 2023")
    assert f"result-{claim_of(seed, 10).pk}" in both
    assert "No claim matches" in search(client, q="Nexusflow zzzqqq")


def test_search_filters_by_verdict_and_date(client, viewer, seed):
    signed_in(client, viewer)
    body = search(client, q=USUAL, verdict="misstated")
    found = re.findall(r'id="result-(\d+)"', body)
    assert found and all(
        Claim.objects.get(pk=pk).verdict == Verdict.MISSTATED for pk in found
    )
    day = claim_of(seed, 5).verdict_at.date().isoformat()
    assert "result-" in search(client, q=USUAL, **{"from": day, "until": day})
    assert "No claim matches" in search(client, q=USUAL, **{"until": "2001-01-01"})


def test_search_escapes_what_it_shows(client, editor):
    ArticleFactory(
        text="The <script>alert(1)</script> tag claim here.", title="<b>Bold</b>"
    )
    signed_in(client, editor)
    body = search(client, q="script")
    assert "<script>alert" not in body
    assert "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;" in body
    assert "&lt;b&gt;Bold&lt;/b&gt;" in body
    assert "<b>Bold</b>" not in body


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"q": "x", "from": "2025-13-01"}, "Write the date as YYYY-MM-DD"),
        ({"q": "x", "until": "yesterday"}, "Write the date as YYYY-MM-DD"),
        ({"from": "2025-06-02", "until": "2025-06-01"}, "is after the"),
        ({"q": "x", "verdict": "nonsense"}, "Select a valid choice"),
    ],
)
def test_search_says_what_is_wrong_with_bad_input(client, viewer, query, error):
    signed_in(client, viewer)
    body = search(client, status=400, **query)
    assert error in html.unescape(body)
    assert 'id="search-error"' in body and 'id="search-results"' not in body


def test_search_without_words_explains_itself(client, viewer):
    signed_in(client, viewer)
    assert 'id="search-empty"' in search(client)


def test_search_pages_and_uses_constant_queries(
    client, viewer, django_assert_max_num_queries
):
    ArticleFactory(text=sentences(6, start=0))
    ArticleFactory(text=sentences(120, start=1000))
    signed_in(client, viewer)
    # Session, user, permissions (two), the count, the page, its sources.
    with django_assert_max_num_queries(7):
        first = search(client, q="Sentence")
    assert "63 claims found" in first
    assert first.count('class="result ') == 20
    assert 'href="?q=Sentence&amp;page=2"' in first
    with django_assert_max_num_queries(7):
        last = search(client, q="Sentence", page=4)
    assert last.count('class="result ') == 3


def test_every_page_has_the_search_box_in_the_header(client, viewer, seed):
    signed_in(client, viewer)
    for url in (reverse("desk:dashboard"), reverse("desk:workspace", args=[seed.pk])):
        body = body_of(client.get(url))
        assert 'id="site-search"' in body and 'action="/search/"' in body


# Checked before: reusing a verdict


def test_checked_before_hint_offers_to_reuse_the_verdict(client, editor, seed):
    original = claim_of(seed, 1)
    article = follow_up(editor, original.text)
    claim = claim_of(article, 2)
    signed_in(client, editor)
    body = panel_of(client, claim)
    hint = section(body, f"checked-before-{original.pk}")
    assert '<span class="vchip v-verified">' in hint
    assert html.escape(seed.title) in hint
    link = f"/articles/{seed.pk}/?claim={original.public_id}#claim-{original.public_id}"
    assert link in hint
    assert "100% alike" in hint
    assert f"{original.sources.count()} sources" in hint
    assert f'id="reuse-{original.pk}"' in hint

    response = client.post(
        reverse("desk:claim_reuse", args=[claim.pk]),
        {"original": original.pk, "version": claim.version},
        **HTMX,
    )
    assert "Verdict reused as a draft" in body_of(response)
    reused = fresh(claim)
    assert (reused.verdict, reused.status) == (Verdict.VERIFIED, Status.DRAFT)
    assert reused.reused_from_id == original.pk
    assert "Verdict reused from" in reused.rationale
    assert reused.sources.count() == original.sources.count()


def test_reusing_from_a_stale_version_changes_nothing(client, editor, seed):
    original = claim_of(seed, 1)
    claim = claim_of(follow_up(editor, original.text), 2)
    judge(claim, Verdict.DISPUTED, editor=editor)
    signed_in(client, editor)
    response = client.post(
        reverse("desk:claim_reuse", args=[claim.pk]),
        {"original": original.pk, "version": claim.version},
    )
    assert response.status_code == 409
    assert fresh(claim).verdict == Verdict.DISPUTED


def test_reusing_a_missing_claim_says_so(client, editor, seed):
    claim = claim_of(follow_up(editor, claim_of(seed, 1).text), 2)
    signed_in(client, editor)
    response = client.post(
        reverse("desk:claim_reuse", args=[claim.pk]),
        {"original": 999_999, "version": claim.version},
    )
    assert response.status_code == 400
    assert "no longer available" in body_of(response)
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_viewers_see_hints_but_cannot_reuse(client, editor, viewer, seed):
    original = claim_of(seed, 1)
    claim = claim_of(follow_up(editor, original.text), 2)
    signed_in(client, viewer)
    body = panel_of(client, claim)
    assert f'id="checked-before-{original.pk}"' in body
    assert "Reuse this verdict" not in body
    assert "Mark misstated" not in panel_of(client, claim_of(seed, 5))
    response = client.post(
        reverse("desk:claim_reuse", args=[claim.pk]),
        {"original": original.pk, "version": claim.version},
    )
    assert response.status_code == 403
    assert fresh(claim).verdict == Verdict.UNREVIEWED


def test_panel_with_checked_before_hints_uses_constant_queries(
    client, editor, seed, django_assert_max_num_queries
):
    texts = [c.text for c in seed.claims.filter(kind=Kind.CLAIM)[:6]]
    claim = claim_of(follow_up(editor, *texts), 2)
    assert len(claim.hints) >= 1
    signed_in(client, editor)
    # The panel's reads (the claimants its name field completes among them)
    # plus one for every claim its hints point to.
    with django_assert_max_num_queries(13):
        body = panel_of(client, claim)
    assert body.count('class="hint hint-checked"') == len(
        [h for h in claim.hints if h["type"] == "checked_before"]
    )


# New versions


def new_version(client, article: Article, text: str, follow=False, **extra):
    return client.post(
        reverse("desk:article_version_new", args=[article.pk]),
        {"text": text, **extra},
        follow=follow,
    )


def test_new_version_preview_shows_the_changes_and_stores_nothing(
    client, editor, seed, seed_text
):
    signed_in(client, editor)
    response = new_version(client, seed, edited_seed(seed_text), preview="1")
    assert response.status_code == 200
    body = body_of(response)
    diff = section(body, "diff")
    inserted = re.findall(r'<ins class="diff-ins">(.*?)</ins>', diff, re.S)
    assert any(ADDED[:-1] in piece for piece in inserted)
    assert '<del class="diff-del">更引人注目的是' in diff
    assert not ArticleVersion.objects.exists()
    assert fresh_article(seed).text == seed.text


def fresh_article(article: Article) -> Article:
    return Article.objects.get(pk=article.pk)


def test_new_version_flow(client, editor, seed, seed_text):
    changed = claim_of(seed, 10)
    orphan = seed.claims.get(text=REMOVED.strip())
    assert changed.status == orphan.status == Status.PUBLISHED
    signed_in(client, editor)
    assert 'id="new-version-link"' in workspace(client, seed)
    response = new_version(client, seed, edited_seed(seed_text), follow=True)
    body = body_of(response)
    assert "Version 2 imported: kept 53, changed 1, orphaned 1, added 1." in body

    changed = fresh(changed)
    assert changed.text_changed and changed.status == Status.DRAFT
    assert "changed-badge" in unit_html(body, changed.position)
    banner = section(body, "version-banner")
    assert "Version 2" in banner
    assert f'href="/articles/{seed.pk}/versions/1/"' in banner
    orphans = section(body, "orphans")
    assert f'id="orphan-{orphan.pk}"' in orphans
    assert '<span class="vchip v-verified">' in orphans
    assert REMOVED.strip() in orphans

    # The changed claim's panel says so.
    panel = panel_of(client, changed)
    assert 'id="text-changed-badge"' in panel and 'id="changed-note"' in panel

    # The orphan opens in the panel, without split or merge.
    page = workspace(client, seed, claim=orphan.pk)
    assert 'id="orphan-note"' in page and "Orphaned claim" in page
    assert f'data-claim-pk="{orphan.pk}"' in page
    assert "split-form" not in page

    # What changed, escaped, insertions and deletions.
    diff = body_of(client.get(reverse("desk:article_version_diff", args=[seed.pk, 1])))
    assert "version 1 → 2 (current)" in diff
    inserted = re.findall(r'<ins class="diff-ins">(.*?)</ins>', diff, re.S)
    assert any(ADDED[:-1] in piece for piece in inserted)
    assert '<del class="diff-del">更引人注目的是' in diff


def test_new_version_from_an_uploaded_file(client, editor, seed, seed_text):
    signed_in(client, editor)
    upload = SimpleUploadedFile(
        "v2.txt", edited_seed(seed_text).encode("gb18030"), "text/plain"
    )
    response = client.post(
        reverse("desk:article_version_new", args=[seed.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert fresh_article(seed).text == edited_seed(seed_text)
    assert ArticleVersion.objects.filter(article=seed, number=1).exists()


def test_new_version_refuses_the_same_text(client, editor, seed):
    signed_in(client, editor)
    response = new_version(client, seed, seed.text)
    assert response.status_code == 200
    assert str(versions.UNCHANGED) in html.unescape(body_of(response))
    assert not ArticleVersion.objects.exists()


def test_diff_page_escapes_the_texts(client, editor):
    article = ArticleFactory(text="Plain first line.\nA second line.")
    versions.import_new_version(
        article=article,
        text="Plain first line.\nA <script>x()</script> line.",
        imported_by=editor,
    )
    signed_in(client, editor)
    body = body_of(
        client.get(reverse("desk:article_version_diff", args=[article.pk, 1]))
    )
    assert "<script>x()" not in body
    assert "&lt;script&gt;x()&lt;/script&gt;" in body
    missing = client.get(reverse("desk:article_version_diff", args=[article.pk, 2]))
    assert missing.status_code == 404


def test_viewers_cannot_import_a_new_version(client, viewer, seed, seed_text):
    signed_in(client, viewer)
    assert 'id="new-version-link"' not in workspace(client, seed)
    url = reverse("desk:article_version_new", args=[seed.pk])
    assert client.get(url).status_code == 403
    assert new_version(client, seed, edited_seed(seed_text)).status_code == 403
    assert fresh_article(seed).text == seed.text
    # They can read what changed.
    versions.import_new_version(
        article=seed, text=edited_seed(seed_text), imported_by=UserFactory()
    )
    diff = client.get(reverse("desk:article_version_diff", args=[seed.pk, 1]))
    assert diff.status_code == 200


def test_workspace_with_versions_and_orphans_uses_constant_queries(
    client, editor, django_assert_max_num_queries
):
    def versioned(count: int, start: int) -> Article:
        text = sentences(count, start=start)
        article = ArticleFactory(text=text)
        lines = text.split("\n")
        versions.import_new_version(
            article=article, text="\n".join(lines[: count // 2]), imported_by=editor
        )
        return article

    few, many = versioned(10, 0), versioned(1000, 40_000)
    assert many.claims.filter(orphaned=True).count() == 500
    signed_in(client, editor)
    counts = [
        queries_for(client, reverse("desk:workspace", args=[a.pk])) for a in (few, many)
    ]
    assert counts[0] == counts[1]
    # The workspace's ten, and the orphans.
    with django_assert_max_num_queries(11):
        body = workspace(client, many)
    assert body.count('class="orphan"') == 500


def test_the_workspace_says_when_an_article_was_never_analysed(client, editor):
    pending = ArticleFactory()  # no analysis done nor queued
    page = workspace(signed_in(client, editor), pending)
    assert 'id="analysis-pending"' in page
    assert "Not analysed yet" in page
    assert "manage.py analyse_articles" in page


def test_an_analysed_article_shows_no_pending_notice(client, editor, fresh_seed):
    assert 'id="analysis-pending"' not in workspace(
        signed_in(client, editor), fresh_seed
    )


def test_reasons_of_several_words_keep_their_label_apart_from_the_evidence():
    from annotations.web.panels import worth_reasons

    shown = worth_reasons(["+name variant 焦建涛", "\u2212not a sentence 中国时间"])
    assert [(r.plus, r.label, r.evidence) for r in shown] == [
        (True, "name variant", "焦建涛"),
        (False, "not a sentence", "中国时间"),
    ]


def test_the_panel_says_which_check_found_the_inconsistency(client, editor):
    article = ArticleFactory(
        text="Father Ly was convicted in 2017 of spreading propaganda.",
        published_on=datetime.date(2010, 3, 16),
        analyse=True,
    )
    signed_in(client, editor)
    body = panel_of(client, claim_of(article, 1))
    assert "after the article's publication date" in body
    assert 'class="fig-chip fig-conflict"' in body and ">2017</span>" in body
    response = client.get(
        reverse("desk:claim_panel", args=[claim_of(article, 1).pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        **HTMX,
    )
    assert "晚于文章的发表日期" in body_of(response)


def test_panel_names_a_short_name_linked_to_the_full_name(client, editor):
    article = services.import_article(
        text="Jensen Huang founded Nvidia.\nHuang said sales grew.\nSales fell.",
        title="Short names",
        imported_by=editor,
        analyse=True,
    )
    signed_in(client, editor)
    hints = section(panel_of(client, claim_of(article, 2)), "hints")
    assert "Short name" in hints
    assert "linked to the one full name in the article" in hints
    assert "Jensen Huang" in hints
