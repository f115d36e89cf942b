import json
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from annotations import demo
from annotations.models import Article, Claim, Kind, Source, Stance, Status, Verdict

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

DEMO = json.loads((FIXTURES / "demo_verdicts.json").read_text(encoding="utf-8"))
GOLD = (FIXTURES / "sentences.gold.txt").read_text(encoding="utf-8").splitlines()
NAME_SENTENCE = 5  # 焦建涛, the misspelt name
ATHENE_SENTENCE = 10  # Athene-V2 "rivals GPT-4o"


@pytest.fixture
def demo_article(settings) -> Article:
    settings.DEBUG = True
    demo.create_demo_accounts(password="demo-pass-123")
    article, created = demo.load_demo_article()
    assert created
    return article


def test_demo_fixture_is_the_seed_text_byte_for_byte(demo_article):
    raw = (FIXTURES / "article.txt").read_bytes()
    assert demo_article.text.encode("utf-8") == raw


def test_demo_article_has_the_55_gold_units(demo_article):
    claims = list(demo_article.claims.order_by("position"))
    assert [c.text for c in claims] == GOLD
    assert all(demo_article.text[c.start : c.end] == c.text for c in claims)


def test_demo_kinds_and_verdicts_follow_the_research(demo_article):
    claims = {c.position: c for c in demo_article.claims.all()}
    for unit in DEMO["units"]:
        claim = claims[unit["position"]]
        assert (claim.kind, claim.verdict) == (unit["kind"], unit["verdict"])
        assert claim.rationale, f"unit {unit['position']} has no rationale"
    verdicts = Counter(c.verdict for c in claims.values())
    assert verdicts == {"unreviewed": 38, "verified": 7, "misstated": 6, "disputed": 4}
    kinds = Counter(c.kind for c in claims.values())
    assert kinds == {"claim": 24, "opinion": 26, "heading": 3, "boilerplate": 2}


def test_name_sentence_is_misstated_with_the_correct_spelling(demo_article):
    claim = demo_article.claims.get(position=NAME_SENTENCE)
    assert "\u7126\u5efa\u6d9b" in claim.text  # 焦建涛
    assert claim.verdict == Verdict.MISSTATED
    assert "\u7126\u5251\u6d9b" in claim.rationale  # 焦剑涛
    assert claim.verdict_by.username == "editor"
    assert claim.sources.filter(stance=Stance.REFUTES).count() >= 3


def test_athene_sentence_is_disputed_as_a_vendor_claim(demo_article):
    claim = demo_article.claims.get(position=ATHENE_SENTENCE)
    assert "Athene-V2" in claim.text and "GPT-4o" in claim.text
    assert claim.verdict == Verdict.DISPUTED
    assert "Nexusflow" in claim.rationale
    assert claim.sources.exists()


def test_every_researched_source_is_attached(demo_article):
    expected = sum(len(unit["sources"]) for unit in DEMO["units"])
    assert Source.objects.filter(claim__article=demo_article).count() == expected
    for source in Source.objects.all():
        assert source.url.startswith(("http://", "https://"))
        assert source.title and source.quote
        assert source.added_by.username == "editor"


def test_unreviewed_claims_explain_what_is_missing(demo_article):
    claim = demo_article.claims.get(position=8)  # 2011 scholarship: unverified part
    assert claim.verdict == Verdict.UNREVIEWED
    assert claim.kind == Kind.CLAIM
    assert claim.rationale and claim.sources.exists()


def test_loading_the_demo_twice_duplicates_nothing(demo_article):
    counts = (Article.objects.count(), Claim.objects.count(), Source.objects.count())
    call_command("load_demo")
    call_command("load_demo")
    assert (
        Article.objects.count(),
        Claim.objects.count(),
        Source.objects.count(),
    ) == counts


def test_loading_the_demo_again_keeps_an_editors_later_change(demo_article):
    claim = demo_article.claims.get(position=1)
    Claim.objects.filter(pk=claim.pk).update(rationale="edited by a person")
    call_command("load_demo")
    assert Claim.objects.get(pk=claim.pk).rationale == "edited by a person"


def test_demo_accounts_are_created_once(settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")
    users = get_user_model().objects.order_by("username")
    assert [u.username for u in users] == ["admin", "editor", "reviewer", "viewer"]
    assert users.get(username="admin").is_superuser
    assert users.get(username="editor").check_password("factcheck-demo")
    assert "factcheck-demo" in capsys.readouterr().out


def test_demo_password_comes_from_the_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-secret-9")
    call_command("create_demo_users")
    assert (
        get_user_model()
        .objects.get(username="reviewer")
        .check_password("another-secret-9")
    )


def test_demo_accounts_are_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()


def test_researched_verdicts_load_published_by_the_demo_reviewer(demo_article):
    judged = demo_article.claims.exclude(verdict=Verdict.UNREVIEWED)
    assert judged.count() == 17
    for claim in judged.select_related("verdict_by", "approved_by"):
        assert claim.status == Status.PUBLISHED
        assert claim.verdict_by.username == "editor"
        assert claim.approved_by.username == "reviewer"
        assert claim.published_at is not None
    unjudged = demo_article.claims.filter(verdict=Verdict.UNREVIEWED)
    assert set(unjudged.values_list("status", flat=True)) == {Status.UNREVIEWED}


def test_demo_accounts_have_the_role_of_their_name(demo_article):
    users = get_user_model().objects.prefetch_related("groups")
    for username in ("editor", "reviewer", "viewer", "admin"):
        user = users.get(username=username)
        assert [g.name for g in user.groups.all()] == [username]
    assert users.get(username="reviewer").has_perm("annotations.review_claim")
    assert not users.get(username="editor").has_perm("annotations.review_claim")
    assert not users.get(username="viewer").has_perm("annotations.change_claim")


def test_demo_loads_without_accounts_and_accounts_get_passwords_later(settings):
    settings.DEBUG = True
    demo.load_demo_article()
    editor = get_user_model().objects.get(username="editor")
    assert not editor.has_usable_password()  # attribution only, no sign-in
    call_command("create_demo_users")
    editor.refresh_from_db()
    assert editor.check_password("factcheck-demo")
    assert [g.name for g in editor.groups.all()] == ["editor"]
