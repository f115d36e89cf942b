import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from annotations import exporters, queries, ratings
from annotations.models import Status, Verdict


class Command(BaseCommand):
    help = "Export verdicts in one of the formats annotations/exporters.py registers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--format",
            choices=list(exporters.FORMATS),
            required=True,
            help="; ".join(
                f"{name}: {export_format.summary}"
                for name, export_format in exporters.FORMATS.items()
            ),
        )
        parser.add_argument("--article", type=int, help="only this article's claims")
        parser.add_argument(
            "--verdict", help="only this verdict: a rating's key, or unreviewed"
        )
        parser.add_argument(
            "--status",
            choices=Status.values,
            help="only claims in this review status (published: what the public sees)",
        )
        parser.add_argument(
            "--updated-since", help="only claims changed since (ISO 8601)"
        )
        parser.add_argument("--out", type=Path, help="file to write (default stdout)")

    def handle(self, *args, **options) -> None:
        filters = {
            key: options[key]
            for key in ("article", "verdict", "status")
            if options[key] is not None
        }
        known = [*ratings.all_keys(), Verdict.UNREVIEWED]
        if options["verdict"] is not None and options["verdict"] not in known:
            raise CommandError(f"--verdict must be one of: {', '.join(known)}.")
        if options["updated_since"]:
            try:
                moment = parse_datetime(options["updated_since"])
            except ValueError:  # well-formed but impossible, like month 13
                moment = None
            if moment is None:
                raise CommandError("--updated-since must be an ISO 8601 date-time.")
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=datetime.UTC)
            filters["updated_since"] = moment
        chunks = exporters.export_chunks(
            options["format"],
            queries.claims_for_export(**filters, public=False),
            urls=exporters.export_urls(settings.FACTCHECK_BASE_URL),
            organisation=settings.FACTCHECK_ORGANISATION,
        )
        if options["out"] is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        with options["out"].open("w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
