"""Upgrading a database: data migrations, and the roles every migrate installs."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("annotations", "0001_initial")]
AFTER = [("annotations", "0003_roles")]


@pytest.mark.django_db(transaction=True)
def test_existing_verdicts_become_drafts_with_a_first_history_entry():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    now = timezone.now()
    article = old.get_model("annotations", "Article").objects.create(
        title="Old", language="en", text="One. Two.", sha256="x" * 64
    )
    Claim = old.get_model("annotations", "Claim")
    Claim.objects.create(
        article=article,
        position=1,
        start=0,
        end=4,
        text="One.",
        verdict="verified",
        rationale="Checked.",
        verdict_at=now,
    )
    Claim.objects.create(article=article, position=2, start=5, end=9, text="Two.")
    old.get_model("annotations", "Source").objects.create(
        claim_id=Claim.objects.get(position=1).pk,
        url="https://example.org",
        title="Proof",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    claims = new.get_model("annotations", "Claim").objects.order_by("position")
    assert [(c.verdict, c.status) for c in claims] == [
        ("verified", "draft"),
        ("unreviewed", "unreviewed"),
    ]
    history = new.get_model("annotations", "HistoricalClaim").objects
    assert history.filter(history_type="+").count() == 2
    assert new.get_model("annotations", "HistoricalSource").objects.count() == 1


@pytest.mark.django_db
def test_every_role_holds_every_permission_it_names():
    from django.contrib.auth.models import Group

    from annotations import roles

    for role, names in roles.ROLE_PERMISSIONS.items():
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=role).permissions.select_related(
                "content_type"
            )
        }
        assert granted == set(names), role


def role_permissions() -> dict[str, set[str]]:
    from django.contrib.auth.models import Group

    return {
        group.name: {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        for group in Group.objects.all()
    }


def test_no_migration_imports_the_apps_code():
    """A migration must not change when the code it would import does.

    Only the field defaults Django itself writes in (annotations.models
    functions) are referenced.
    """
    folder = Path(__file__).resolve().parent.parent / "annotations" / "migrations"
    for path in folder.glob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines()
        imports = [line for line in lines if "import" in line and "annotations" in line]
        assert imports in ([], ["import annotations.models"]), path.name


@pytest.mark.django_db
def test_migrate_installs_the_roles_and_running_it_again_changes_nothing():
    from django.contrib.auth.models import Group

    from annotations import roles

    Group.objects.all().delete()
    call_command("migrate", verbosity=0)
    installed = role_permissions()
    ids = dict(Group.objects.values_list("name", "pk"))
    assert installed == {
        role: set(names) for role, names in roles.ROLE_PERMISSIONS.items()
    }
    call_command("migrate", verbosity=0)
    assert role_permissions() == installed
    assert dict(Group.objects.values_list("name", "pk")) == ids


@pytest.mark.django_db
def test_migrate_brings_the_roles_up_to_date_with_roles_py(monkeypatch):
    from annotations import roles

    viewer = [*roles.ROLE_PERMISSIONS[roles.VIEWER], "annotations.view_job"]
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.VIEWER, viewer)
    call_command("migrate", verbosity=0)
    assert "annotations.view_job" in role_permissions()[roles.VIEWER]


@pytest.mark.django_db(transaction=True)
def test_existing_plain_tokens_are_hashed_and_keep_working():
    from rest_framework.test import APIClient

    before = [("annotations", "0005_roles_see_versions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="client")
    user.groups.add(old.get_model("auth", "Group").objects.get(name="viewer"))
    key = "a1" * 20
    old.get_model("authtoken", "Token").objects.create(key=key, user=user)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from rest_framework.authtoken.models import Token

    from annotations.models import ApiToken

    assert not Token.objects.exists()  # no plain key is left
    token = ApiToken.objects.get()
    assert (token.user_id, token.prefix) == (user.pk, key[:8])
    assert key not in token.digest
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/claims/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_existing_claims_get_distinct_public_ids():
    before = [("annotations", "0006_hygiene")]
    after = [("annotations", "0007_claim_public_id")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    article = old.get_model("annotations", "Article").objects.create(
        title="Old", language="en", text="One. Two. Three.", sha256="y" * 64
    )
    Claim = old.get_model("annotations", "Claim")
    for position, (start, end) in enumerate([(0, 4), (5, 9), (10, 16)], start=1):
        Claim.objects.create(
            article=article, position=position, start=start, end=end, text="x"
        )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    ids = list(
        new.get_model("annotations", "Claim").objects.values_list(
            "public_id", flat=True
        )
    )
    assert len(ids) == len(set(ids)) == 3
    assert all(len(public_id) == 12 for public_id in ids)
