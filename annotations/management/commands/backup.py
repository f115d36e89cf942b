from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from annotations import backups


class Command(BaseCommand):
    help = "Back up articles, claims, sources, history, corrections and users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="file to write (gzip)")

    def handle(self, *args, **options) -> None:
        manifest = backups.backup(options["out"])
        for label, table in manifest["tables"].items():
            self.stdout.write(f"  {label:<32} {table['rows']:>9,} rows")
        self.stdout.write(self.style.SUCCESS(f"Backed up to {options['out']}."))
