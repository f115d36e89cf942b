import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from annotations import archiving
from annotations.models import LinkState


class Command(BaseCommand):
    help = (
        "Fetch sources' addresses again: archive those without a copy, flag "
        "those now broken or changed. Run it on a schedule (cron, a timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=0,
            metavar="HOURS",
            help="only sources not checked in the last HOURS hours",
        )
        parser.add_argument(
            "--limit", type=int, default=None, help="check at most this many"
        )

    def handle(self, *args, **options) -> None:
        if not settings.FETCH_ENABLED:
            raise CommandError("Fetching links is turned off (FETCH_ENABLED=0).")
        if options["older_than"] < 0 or (options["limit"] or 0) < 0:
            raise CommandError("--older-than and --limit cannot be negative.")
        hours = options["older_than"]
        before = timezone.now() - datetime.timedelta(hours=hours) if hours else None
        counts = archiving.check_sources(checked_before=before, limit=options["limit"])
        total = sum(counts.values())
        self.stdout.write(
            f"Checked {total} sources: {counts[LinkState.OK]} fine, "
            f"{counts[LinkState.CHANGED]} changed, {counts[LinkState.BROKEN]} broken."
        )
