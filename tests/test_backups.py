"""Backup and restore: every row back, checked table by table."""

import datetime
import gzip

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from annotations import backups, demo, services
from annotations.fetching import FetchResult
from annotations.models import Article, Claim, Claimant, Verdict, Webhook
from annotations.services import claimants, reviewing, versions

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    archived,
    claim_of,
    fresh,
    judge,
)

pytestmark = pytest.mark.django_db


def empty_the_database() -> None:
    Article.objects.all().delete()
    for label in ("annotations.historicalclaim", "annotations.historicalsource"):
        apps.get_model(label).objects.all().delete()
    get_user_model().objects.all().delete()
    Webhook.objects.all().delete()
    Claimant.objects.all().delete()


@pytest.fixture
def desk(settings):
    """The demo plus generated data: a correction, comments, a new version."""
    settings.DEBUG = True
    demo.create_demo_accounts(password="demo-pass-123")
    article, _ = demo.load_demo_article()
    editor = get_user_model().objects.get(username="editor")
    reviewer = get_user_model().objects.get(username="reviewer")
    published = article.claims.get(position=5)
    reviewing.propose_correction(
        claim=published,
        editor=editor,
        verdict=Verdict.DISPUTED,
        rationale="Two spellings circulate.",
        reason="A reader wrote in.",
        expected_version=published.version,
    )
    reviewing.approve(
        claim=published, reviewer=reviewer, expected_version=published.version
    )
    other = ArticleFactory(text="One claim. Another claim.", imported_by=editor)
    claim = claim_of(other)
    source = add_source(claim, added_by=editor)
    # An archived copy of the source and a page kept as fetched.
    archived(source)
    services.import_article(
        text="Fetched claim. From a page.",
        title="Fetched",
        imported_by=editor,
        page=FetchResult(
            url="https://example.org/a",
            final_url="https://example.org/b",
            status=200,
            headers={"content-type": "text/html"},
            body="<p>Fetched claim. From a page.</p>\x00\xff".encode("latin-1"),
            fetched_at=timezone.now(),
        ),
        author="A. Reporter",
        analyse=False,
    )
    judge(claim, Verdict.VERIFIED, "Checked.", editor=editor)
    claimants.set_claimant(
        claim=claim,
        editor=editor,
        expected_version=fresh(claim).version,
        name="A. Founder",
        role="company founder",
        appearance_url="https://example.org/talk",
        appearance_date=datetime.date(2025, 6, 28),
    )
    versions.import_new_version(
        article=other, text="One claim. A third claim.", imported_by=editor
    )
    UserFactory(username="reader", role="viewer")
    Webhook.objects.create(
        url="https://example.org/hook", secret="s", events=["article.imported"]
    )
    return article


def test_a_backup_restores_every_table_exactly(desk, tmp_path):
    before = backups.table_checksums()
    assert before["annotations.correction"]["rows"] == 1
    assert before["annotations.articleversion"]["rows"] == 1
    assert before["annotations.sourcesnapshot"]["rows"] == 1
    assert before["annotations.articlecapture"]["rows"] == 1
    assert before["annotations.webhook"]["rows"] == 1
    assert before["annotations.claimant"]["rows"] == 1
    assert before["annotations.historicalclaim"]["rows"] > 100
    out = tmp_path / "desk.backup.gz"
    call_command("backup", str(out))
    empty_the_database()
    assert backups.table_checksums() != before
    call_command("restore", str(out))
    assert backups.table_checksums() == before
    restored = Claim.objects.get(article=desk, position=5)
    assert restored.verdict == Verdict.DISPUTED
    reviewer = get_user_model().objects.get(username="reviewer")
    assert reviewer.has_perm("annotations.review_claim")


def test_restore_refuses_a_database_that_holds_data(desk, tmp_path):
    out = tmp_path / "desk.backup.gz"
    backups.backup(out)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(out))


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    junk = tmp_path / "junk.gz"
    junk.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(junk))
    other = tmp_path / "other.gz"
    with gzip.open(other, "wt") as out:
        out.write('{"format": "something-else"}\n[]')
    with pytest.raises(CommandError, match="not a factcheck-backup"):
        call_command("restore", str(other))
