"""Backing up and restoring everything the desk has made.

A backup is one gzip file of JSON lines: a manifest (format, date, each
table's row count and checksum), then one row per line in Django's own
serialisation (natural keys for users, groups and permissions, which every
database recreates by migrating). Times keep their microseconds (dumpdata's
JSON would cut them to milliseconds). Restoring loads the rows into an empty,
migrated database and then checks every table against the manifest's
checksums: a restore that does not reproduce the data exactly says so, and
nothing is kept.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import gzip
import hashlib
import json
import uuid
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction

FORMAT = "factcheck-backup"
# 3: API tokens are stored hashed (annotations.apitoken, not authtoken.token).
# 4: claims name their claimant (annotations.claimant).
VERSION = 4
CHUNK = 2000
# What a backup holds: the desk's data, its users and their roles and tokens,
# and the webhooks registered (not the background jobs and deliveries: logs).
MODELS = [
    "auth.group",
    "auth.user",
    "annotations.apitoken",
    "annotations.article",
    "annotations.articleversion",
    "annotations.claimant",  # before the claims that name them
    "annotations.claim",
    "annotations.source",
    "annotations.sourcesnapshot",
    "annotations.articlecapture",
    "annotations.correction",
    "annotations.comment",
    "annotations.historicalclaim",
    "annotations.historicalsource",
    "annotations.claimsketch",
    "annotations.webhook",
]


class RestoreRefused(Exception):
    """The backup cannot be restored here (not empty, not a backup, mismatch)."""


class _Exact(json.JSONEncoder):
    """Dates and times in full ISO 8601, microseconds included."""

    def default(self, value):
        if isinstance(value, datetime.datetime | datetime.date | datetime.time):
            return value.isoformat()
        if isinstance(value, decimal.Decimal | uuid.UUID):
            return str(value)
        if isinstance(value, bytes | memoryview):
            # A fetched page, kept as received (ArticleCapture.html).
            return base64.b64encode(value).decode("ascii")
        return super().default(value)


def table_checksums() -> dict[str, dict]:
    """Rows and a SHA-256 of every column of every row, per backed-up table."""
    result = {}
    for label in MODELS:
        model = apps.get_model(label)
        digest = hashlib.sha256()
        rows = 0
        fields = [f.attname for f in model._meta.concrete_fields]
        for row in (
            model._default_manager.order_by("pk").values_list(*fields).iterator(2000)
        ):
            digest.update(json.dumps(row, cls=_Exact).encode())
            rows += 1
        m2m = [f for f in model._meta.many_to_many]
        for field in m2m:
            through = field.remote_field.through
            links = through.objects.order_by("pk").values_list(
                field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
            )
            for link in links.iterator(2000):
                digest.update(json.dumps(["m2m", field.name, *link]).encode())
        result[label] = {"rows": rows, "sha256": digest.hexdigest()}
    return result


def backup(path: Path) -> dict:
    """Write a backup of every table in MODELS to ``path``; returns the manifest."""
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(),
        "tables": table_checksums(),
    }
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps(manifest) + "\n")
        for label in MODELS:
            rows = apps.get_model(label)._default_manager.order_by("pk")
            objects = serializers.serialize(
                "python", rows.iterator(CHUNK), use_natural_foreign_keys=True
            )
            for item in objects:
                out.write(json.dumps(item, cls=_Exact, ensure_ascii=False) + "\n")
    return manifest


def restore(path: Path) -> dict:
    """Load a backup into this (migrated, empty) database and verify it."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            manifest = json.loads(source.readline())
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise RestoreRefused(f"{path} is not a {FORMAT} version {VERSION}.")
            with transaction.atomic():
                _refuse_unless_empty()
                _load(source)
                found = table_checksums()
                wrong = [
                    label
                    for label, expected in manifest["tables"].items()
                    if found.get(label) != expected
                ]
                if wrong:
                    raise RestoreRefused(
                        "The restored data differs from the backup in: "
                        + ", ".join(wrong)
                        + ". Nothing was restored."
                    )
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RestoreRefused(f"{path} is not a readable backup: {error}") from None
    return manifest


def _load(lines) -> None:
    batch = []
    for line in lines:
        batch.append(json.loads(line))
        if len(batch) == CHUNK:
            _save(batch)
            batch = []
    _save(batch)
    models = [apps.get_model(label) for label in MODELS]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def _save(items: list[dict]) -> None:
    for restored in serializers.deserialize(
        "python", items, handle_forward_references=True
    ):
        restored.save()


def _refuse_unless_empty() -> None:
    for label in MODELS:
        if label == "auth.group":
            continue  # the roles exist in every migrated database
        if apps.get_model(label)._default_manager.exists():
            raise RestoreRefused(
                f"This database already holds data ({label}): restore into an "
                "empty, migrated database."
            )
