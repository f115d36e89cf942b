"""Search over claims, rationales and source titles, in Chinese and English."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from annotations import assisting, queries, services
from annotations.models import Claim, Verdict

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    claim_of,
    judge,
    sentences,
)

pytestmark = pytest.mark.django_db

# 焦剑涛加入了英伟达。 / 公司融资1060万美元。
JOINED = "\u7126\u5251\u6d9b\u52a0\u5165\u4e86\u82f1\u4f1f\u8fbe\u3002"
FUNDED = "\u516c\u53f8\u878d\u8d441060\u4e07\u7f8e\u5143\u3002"


@pytest.fixture
def articles(editor):
    first = ArticleFactory(text=f"{JOINED}\n{FUNDED}")
    second = ArticleFactory(text="Nvidia hired two researchers. The deal closed.")
    judge(claim_of(first, 2), Verdict.DISPUTED, "The filing says 1000万.", editor)
    add_source(claim_of(second, 2), added_by=editor, title="Reuters deal report")
    judge(claim_of(second, 1), Verdict.VERIFIED, "Both posted photos.", editor)
    return first, second


def found(query: str, **filters) -> list[str]:
    return [c.text for c in queries.search_claims(query, **filters)]


def test_chinese_words_are_found_without_word_spaces(articles):
    assert found("\u82f1\u4f1f\u8fbe") == [JOINED]  # 英伟达
    assert found("\u7126\u5251\u6d9b \u52a0\u5165") == [JOINED]  # two terms, both


def test_english_terms_match_text_rationale_and_source_titles(articles):
    assert found("NVIDIA researchers") == ["Nvidia hired two researchers."]
    assert found("photos") == ["Nvidia hired two researchers."]
    assert found("reuters") == ["The deal closed."]
    assert found("1000\u4e07") == [FUNDED]  # in the rationale


def test_filters_by_verdict_and_checking_date(articles):
    assert found("", verdict=Verdict.VERIFIED) == ["Nvidia hired two researchers."]
    today = timezone.now().date()
    assert len(found("", checked_from=today)) == 2
    assert found("", checked_until=today - datetime.timedelta(days=1)) == []


def test_deleted_articles_are_not_searched(articles):
    services.delete_article(article=articles[1], by=UserFactory(role="admin"))
    assert found("Nvidia") == []


def test_search_takes_one_query_however_many_results(editor, django_assert_num_queries):
    ArticleFactory(text=" ".join(f"Claim {n} about Nvidia." for n in range(60)))
    with django_assert_num_queries(1):
        results = list(queries.search_claims("nvidia"))
    assert len(results) == 60
    assert all(isinstance(c, Claim) and c.article.title for c in results)


def test_search_reads_each_column_through_its_own_trigram_index_on_postgresql():
    article = ArticleFactory(text=sentences(30))
    judge(claim_of(article, 2), Verdict.DISPUTED, "A written rationale.")
    add_source(claim_of(article, 3), title="Budget office")
    found = queries.search_claims("budget")
    listed = Claim.objects.filter(pk__in=queries.claims_containing("budget"))
    if connection.vendor == "postgresql":
        # The tables are small, so the planner is told to avoid reading them
        # whole: it may only when no index can answer.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plans = [found.explain(), listed.explain()]
        indexes = ("claim_text_trgm", "claim_unanalysed_idx")
        indexes += ("claim_rationale_trgm", "source_title_trgm")
        for name in indexes:
            assert all(name in plan for plan in plans), (name, plans)
        assert "upper(" not in " ".join(plans).lower()
    else:
        # SQLite has no trigram index: one look-up per column all the same.
        assert found.explain().count("SCAN") >= 3
    assert claim_of(article, 3) in found


def test_a_claim_is_found_before_and_after_its_analysis():
    article = ArticleFactory(text="Budget rose. Budgets fell.")
    assert set(Claim.objects.values_list("normalised", flat=True)) == {""}
    before = sorted(found("budget"))
    assisting.analyse_article(article)
    assert "" not in set(Claim.objects.values_list("normalised", flat=True))
    assert before == sorted(found("budget")) == ["Budget rose.", "Budgets fell."]
