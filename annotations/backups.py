"""Backing up and restoring everything the desk has made.

A backup is one gzip file: a manifest line (format, date, each table's row
count and checksum), then Django's own serialisation of the rows (dumpdata,
with natural keys for permissions and content types, which every database
recreates by migrating). Restoring loads it into an empty, migrated database
and then checks every table against the manifest's checksums: a restore that
does not reproduce the data exactly says so and fails.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

FORMAT = "factcheck-backup"
VERSION = 1
# What a backup holds: the desk's data, its users and their roles and tokens.
MODELS = [
    "auth.group",
    "auth.user",
    "authtoken.token",
    "annotations.article",
    "annotations.articleversion",
    "annotations.claim",
    "annotations.source",
    "annotations.correction",
    "annotations.comment",
    "annotations.historicalclaim",
    "annotations.historicalsource",
    "annotations.claimsketch",
]


class RestoreRefused(Exception):
    """The backup cannot be restored here (not empty, not a backup, mismatch)."""


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
            digest.update(json.dumps(row, cls=DjangoJSONEncoder).encode())
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
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "data.json"
        call_command(
            "dumpdata",
            *MODELS,
            use_natural_foreign_keys=True,
            output=str(dump),
            verbosity=0,
        )
        with gzip.open(path, "wt", encoding="utf-8") as out:
            out.write(json.dumps(manifest) + "\n")
            with dump.open(encoding="utf-8") as data:
                shutil.copyfileobj(data, out)
    return manifest


def restore(path: Path) -> dict:
    """Load a backup into this (migrated, empty) database and verify it."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as source:
            manifest = json.loads(source.readline())
            if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
                raise RestoreRefused(f"{path} is not a {FORMAT} version {VERSION}.")
            with tempfile.TemporaryDirectory() as folder:
                dump = Path(folder) / "data.json"
                with dump.open("w", encoding="utf-8") as data:
                    shutil.copyfileobj(source, data)
                with transaction.atomic():
                    _refuse_unless_empty()
                    call_command("loaddata", str(dump), verbosity=0)
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


def _refuse_unless_empty() -> None:
    for label in MODELS:
        if label == "auth.group":
            continue  # the roles exist in every migrated database
        if apps.get_model(label)._default_manager.exists():
            raise RestoreRefused(
                f"This database already holds data ({label}): restore into an "
                "empty, migrated database."
            )
