from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import backups


class Command(BaseCommand):
    help = "Restore a backup into an empty, migrated database, and verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="file written by backup")

    def handle(self, *args, **options) -> None:
        try:
            manifest = backups.restore(options["backup"])
        except backups.RestoreRefused as error:
            raise CommandError(str(error)) from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows:,} rows from {options['backup']}; every table "
                "matches the backup's checksums."
            )
        )
