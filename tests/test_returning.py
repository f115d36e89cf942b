"""Writes in few statements: a verdict, an approval and a list page (issue 18).

The API's writes answer from their own ``UPDATE … RETURNING``
(annotations/services/returning.py); a known API key and the roles' permissions are
remembered per process (annotations/tokens.py, annotations/roles.py). The
counts include the transaction: BEGIN and COMMIT, or here, inside the test's
own transaction, a SAVEPOINT and its RELEASE.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations import roles, services, tokens
from annotations.models import Claim, Job, JobKind, Source, SourceSnapshot, Verdict

from .factories import (
    ArticleFactory,
    UserFactory,
    add_source,
    archived,
    claim_of,
    judge,
    sentences,
)
from .helpers import API

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"
# A claim's UPDATE and its history's INSERT are one statement on PostgreSQL
# (a write in a WITH), two on SQLite, which has no writes in a WITH.
MAX_PATCH_STATEMENTS = 4 if POSTGRESQL else 5
MAX_APPROVE_STATEMENTS = 4 if POSTGRESQL else 5
MAX_LIST_STATEMENTS = 4
CLAIM_WRITE = ["WITH"] if POSTGRESQL else ["UPDATE", "INSERT"]


def token_client(user) -> APIClient:
    """An API client with a key of ``user``'s, already seen by this process."""
    _token, key = tokens.create_token(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"{API}/claims/?page_size=1").status_code == 200
    return client


def statements(call) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = call()
    return response, [query["sql"] for query in context.captured_queries]


def writes(sql: list[str]) -> list[str]:
    """The first word of each statement that writes."""
    words = [statement.split(None, 1)[0] for statement in sql]
    return [word for word in words if word in ("WITH", "UPDATE", "INSERT", "DELETE")]


def test_a_verdict_patch_takes_at_most_five_statements_and_answers_as_a_get(
    editor,
):
    claim = claim_of(ArticleFactory(text=sentences(4, start=7000)), 2)
    add_source(claim, added_by=editor, title="Filing")
    client = token_client(editor)
    url = f"{API}/claims/{claim.pk}/"
    response, sql = statements(
        lambda: client.patch(
            url,
            {"verdict": Verdict.MISSTATED, "rationale": " The year is 2023. "},
            format="json",
            HTTP_IF_MATCH='"2"',
        )
    )
    assert response.status_code == 200, response.content
    assert len(sql) <= MAX_PATCH_STATEMENTS, sql
    assert writes(sql) == CLAIM_WRITE, sql
    again = client.get(url)
    assert response.json() == again.json()
    assert response["ETag"] == again["ETag"] == '"3"'
    body = response.json()
    assert (body["verdict"], body["rationale"]) == ("misstated", "The year is 2023.")
    assert (body["verdict_by"], body["status"]) == ("editor", "draft")
    assert [source["title"] for source in body["sources"]] == ["Filing"]
    assert [source["added_by"] for source in body["sources"]] == ["editor"]


def test_a_patch_that_changes_nothing_keeps_the_author_and_status(editor):
    claim = claim_of(ArticleFactory(text=sentences(3, start=7100)), 1)
    judge(claim, Verdict.DISPUTED, "Same words.", editor=editor)
    other = UserFactory(username="second-editor", role="editor")
    response = token_client(other).patch(
        f"{API}/claims/{claim.pk}/",
        {"verdict": Verdict.DISPUTED, "rationale": "Same words."},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    assert response.status_code == 200, response.content
    assert (response.json()["verdict_by"], response.json()["version"]) == ("editor", 3)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.verdict_by_id, stored.version) == (editor.pk, 3)


def test_an_approval_takes_at_most_five_statements(editor, reviewer):
    claim = claim_of(ArticleFactory(text=sentences(3, start=7200)), 1)
    judge(claim, Verdict.DISPUTED, "Wrong year.", editor=editor)
    add_source(claim, added_by=editor)
    client = token_client(reviewer)
    response, sql = statements(
        lambda: client.post(
            f"{API}/claims/{claim.pk}/approve/",
            {"comment": "Checked."},
            format="json",
            HTTP_IF_MATCH='"3"',
        )
    )
    assert response.status_code == 200, response.content
    assert len(sql) <= MAX_APPROVE_STATEMENTS, sql
    assert response.json() == client.get(f"{API}/claims/{claim.pk}/").json()
    assert response.json()["approved_by"] == "reviewer"


def test_an_approval_refuses_a_draft_whose_source_is_gone(editor, reviewer):
    claim = claim_of(ArticleFactory(text=sentences(3, start=7300)), 1)
    judge(claim, Verdict.DISPUTED, "Wrong year.", editor=editor)
    add_source(claim, added_by=editor)
    # Gone without the service (which would raise the version): the UPDATE's
    # own guard must still refuse.
    Source.objects.filter(claim=claim).delete()
    response = token_client(reviewer).post(
        f"{API}/claims/{claim.pk}/approve/",
        {"comment": ""},
        format="json",
        HTTP_IF_MATCH='"3"',
    )
    assert response.status_code == 400, response.content
    assert "sources" in response.json()
    assert Claim.objects.get(pk=claim.pk).status == "draft"


def test_a_list_page_of_100_claims_takes_at_most_four_statements(editor):
    article = ArticleFactory(text=sentences(120, start=7400))
    sourced = set()
    for claim in article.claims.order_by("position")[:30]:
        add_source(claim, added_by=editor)
        sourced.add(claim.pk)
    client = token_client(editor)
    response, sql = statements(
        lambda: client.get(f"{API}/claims/?article={article.pk}&page_size=100")
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 100
    # Each claim's sources come in its own row: one SELECT for the page.
    assert any(claim["id"] in sourced for claim in results)
    for claim in results:
        assert len(claim["sources"]) == (claim["id"] in sourced)
        for source in claim["sources"]:
            assert source["claim"] == claim["id"]
            assert source["added_by"] == editor.username
    assert len(sql) <= MAX_LIST_STATEMENTS, sql
    assert sum(statement.startswith("SELECT") for statement in sql) == 1, sql


# A source write: the claim's (or source's) look-up, the claim's guarded
# UPDATE and its history, the source's row and its history (its write
# answering with who added it), and the transaction (no savepoint of the
# service's own). On PostgreSQL each row's write and history are one
# statement, and the database removes a removed source's snapshots and jobs;
# on SQLite Django's collector first looks for them. None of it grows with
# the claim's sources.
MAX_SOURCE_STATEMENTS = (
    {"add": 5, "change": 5, "remove": 5}
    if POSTGRESQL
    else {"add": 7, "change": 7, "remove": 9}
)


def source_writes(client, claim: Claim) -> dict[str, int]:
    """Statements of adding, changing and removing one of ``claim``'s sources."""
    version = Claim.objects.get(pk=claim.pk).version
    added, add_sql = statements(
        lambda: client.post(
            f"{API}/claims/{claim.pk}/sources/",
            {"url": "https://example.org/new", "title": "New", "version": version},
            format="json",
        )
    )
    assert added.status_code == 201, added.content
    url = f"{API}/sources/{added.json()['id']}/"
    changed, change_sql = statements(
        lambda: client.patch(
            url, {"title": "Renamed", "version": version + 1}, format="json"
        )
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["title"], changed.json()["added_by"]) == (
        "Renamed",
        "editor",
    )
    removed, remove_sql = statements(
        lambda: client.delete(f"{url}?version={version + 2}")
    )
    assert removed.status_code == 204, removed.content
    return {"add": len(add_sql), "change": len(change_sql), "remove": len(remove_sql)}


def test_source_writes_take_a_fixed_number_of_statements(editor):
    client = token_client(editor)
    article = ArticleFactory(text=sentences(2, start=7450))
    bare, sourced = claim_of(article, 1), claim_of(article, 2)
    for n in range(5):
        add_source(sourced, added_by=editor, title=f"Earlier {n}")
    counts = source_writes(client, bare)
    assert counts == source_writes(client, sourced)
    for write, count in counts.items():
        assert count <= MAX_SOURCE_STATEMENTS[write], (write, count)


def test_a_removed_source_takes_its_snapshots_and_jobs_and_is_in_its_history(
    editor,
):
    claim = claim_of(ArticleFactory(text=sentences(2, start=7470)), 1)
    source = add_source(claim, added_by=editor, title="Gone")
    kept = add_source(claim, added_by=editor, title="Kept")
    archived(source)
    archived(kept)
    Job.objects.create(kind=JobKind.ARCHIVE, source=source)
    Job.objects.create(kind=JobKind.ARCHIVE, source=kept)
    services.remove_source(source=Source.objects.get(pk=source.pk), editor=editor)
    assert list(Source.objects.filter(claim=claim)) == [kept]
    assert set(SourceSnapshot.objects.values_list("source", flat=True)) == {kept.pk}
    assert set(Job.objects.values_list("source", flat=True)) == {kept.pk}
    gone = Source.history.filter(id=source.pk).latest("history_id")
    assert (gone.history_type, gone.title, gone.history_user) == ("-", "Gone", editor)


def test_changing_a_source_removed_in_the_meantime_is_refused_and_writes_nothing(
    editor,
):
    claim = claim_of(ArticleFactory(text=sentences(2, start=7480)), 1)
    source = add_source(claim, added_by=editor, title="Read")
    read = Source.objects.get(pk=source.pk)
    Source.objects.filter(pk=source.pk).delete()
    version = Claim.objects.get(pk=claim.pk).version
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.update_source(
            source=read, url="https://example.org/x", title="Late", editor=editor
        )
    assert refused.value.code == "gone"
    assert Claim.objects.get(pk=claim.pk).version == version


def deletion_actions(model, seen=None) -> dict[tuple[str, str], str]:
    """(table, column) -> "c" (cascade) or "n" (set null), as pg_constraint
    writes them, for every foreign key that removing a ``model`` row reaches
    by Django's on_delete."""
    seen = set() if seen is None else seen
    actions = {}
    for relation in model._meta.related_objects:
        field = relation.field
        key = (relation.related_model._meta.db_table, field.column)
        if field.remote_field.on_delete is models.CASCADE:
            actions[key] = "c"
            if relation.related_model not in seen:
                seen.add(relation.related_model)
                actions |= deletion_actions(relation.related_model, seen)
        elif field.remote_field.on_delete is models.SET_NULL:
            actions[key] = "n"
    return actions


def test_the_database_removes_what_a_removed_source_takes_as_django_would():
    # The source removal's one statement (PostgreSQL) relies on ON DELETE
    # actions that migration 0021 set: they must match every on_delete a
    # removal reaches, or a new dependent row would block it at COMMIT.
    wanted = deletion_actions(Source)
    assert ("annotations_sourcesnapshot", "source_id") in wanted
    assert ("annotations_webhookdelivery", "job_id") in wanted
    if not POSTGRESQL:  # SQLite: Django's collector removes them
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confdeltype "
            "FROM pg_constraint c JOIN pg_attribute a "
            "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "WHERE c.contype = 'f'"
        )
        actual = {(table, column): action for table, column, action in cursor}
    assert {key: actual[key] for key in wanted} == wanted


def test_a_refused_source_write_writes_nothing_and_leaves_the_transaction_usable(
    editor,
):
    # No savepoint around a source write: it refuses before writing anything,
    # so a caller's transaction (the admin reports the refusal and goes on)
    # stays usable.
    claim = claim_of(ArticleFactory(text=sentences(2, start=7460)), 1)
    source = add_source(claim, added_by=editor, title="Kept")
    stale = Claim.objects.get(pk=claim.pk).version - 1
    writes = {
        "add": lambda: services.add_source(
            claim=claim,
            url="https://example.org/late",
            title="Late",
            added_by=editor,
            expected_version=stale,
        ),
        "change": lambda: services.update_source(
            source=source,
            url="https://example.org/moved",
            title="Changed",
            editor=editor,
            expected_version=stale,
        ),
        "remove": lambda: services.remove_source(
            source=source, editor=editor, expected_version=stale
        ),
    }
    for write in writes.values():
        with transaction.atomic():
            with pytest.raises(services.StaleVersion):
                write()
            assert Source.objects.filter(claim=claim).count() == 1
    source.refresh_from_db()
    assert (source.title, source.url) == ("Kept", "https://example.org/evidence")
    assert Claim.objects.get(pk=claim.pk).version == stale + 1


def test_a_remembered_key_loses_a_role_taken_away(editor):
    client = token_client(editor)
    claim = claim_of(ArticleFactory(text=sentences(2, start=7500)), 1)
    editor.groups.set([Group.objects.get(name=roles.VIEWER)])
    response = client.patch(
        f"{API}/claims/{claim.pk}/",
        {"verdict": Verdict.VERIFIED},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 403
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_a_replaced_key_is_refused_at_once(editor):
    client = token_client(editor)
    tokens.create_token(user=editor)
    assert client.get(f"{API}/claims/?page_size=1").status_code == 401


def test_a_role_losing_a_permission_is_noticed_at_once(editor):
    assert editor.has_perm(roles.EDIT)
    group = Group.objects.get(name=roles.EDITOR)
    group.permissions.remove(
        group.permissions.get(codename="change_claim", content_type__model="claim")
    )
    editor = type(editor).objects.get(pk=editor.pk)
    assert not editor.has_perm(roles.EDIT)
    assert editor.has_perm(roles.VIEW)


def test_a_claim_loaded_whole_is_the_instance_django_would_build(editor):
    article = ArticleFactory(text=sentences(3), imported_by=editor)
    loaded = Claim.objects.get(pk=claim_of(article, 2).pk)
    columns = [getattr(loaded, f.attname) for f in Claim._meta.concrete_fields]
    names = [f.attname for f in Claim._meta.concrete_fields]
    built = models.Model.from_db.__func__(Claim, "default", names, columns)
    mine = {k: v for k, v in loaded.__dict__.items() if k != "_state"}
    django = {k: v for k, v in built.__dict__.items() if k != "_state"}
    assert mine == django
    assert (loaded._state.adding, loaded._state.db) == (False, "default")
    assert loaded.article == article  # relations still load
    assert loaded.get_deferred_fields() == set()
    # Some columns only: Django's own way, those deferred.
    partial = Claim.objects.only("id", "text").get(pk=loaded.pk)
    assert partial.get_deferred_fields() >= {"rationale", "hints"}
    assert partial.rationale == ""
