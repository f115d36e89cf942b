import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import importing, services


class Command(BaseCommand):
    help = (
        "Import an article from a .txt, .md, .html, .docx or .pdf file, or "
        "fetched from --url alone, and split it into claims."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument(
            "--title", default="", help="defaults to the file's or page's title"
        )
        parser.add_argument(
            "--url",
            default="",
            help="where the article was published; with no file, fetched from there",
        )
        parser.add_argument("--publisher", default="")
        parser.add_argument(
            "--published", default="", help="publication date, YYYY-MM-DD"
        )
        parser.add_argument("--user", default="", help="username recorded as importer")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        try:
            published = (
                datetime.date.fromisoformat(options["published"])
                if options["published"]
                else None
            )
        except ValueError:
            value = options["published"]
            raise CommandError(
                f"--published must be a date as YYYY-MM-DD, got '{value}'."
            ) from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named '{options['user']}'.")
        if path is None and not options["url"]:
            raise CommandError("Name a file to import, or give --url to fetch.")
        try:
            if path is None:
                extracted = importing.read_link(options["url"])
            else:
                extracted = importing.read_upload(
                    name=path.name, size=path.stat().st_size, read=path.read_bytes
                )
            article = services.import_article(
                text=extracted.text,
                title=options["title"]
                or extracted.title
                or (path.stem if path else options["url"]),
                url=options["url"],
                publisher=options["publisher"] or extracted.publisher,
                published_on=published or extracted.published_on,
                imported_by=user,
                heading_lines=extracted.heading_lines,
                page=extracted.page,
                author=extracted.author,
            )
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except (importing.ImportRefused, ValidationError) as error:
            raise CommandError(_message(error)) from None
        count = article.claims.count()
        self.stdout.write(
            self.style.SUCCESS(
                f'Imported article {article.pk} "{article.title}" '
                f"({article.language}, {count} units)."
            )
        )


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
