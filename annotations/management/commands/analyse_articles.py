from django.core.management.base import BaseCommand, CommandError

from annotations import assisting, queries


class Command(BaseCommand):
    help = (
        "Recompute hints, check-worthiness and past-verdict matches "
        "(all live articles, or the ones given)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="article ids")

    def handle(self, *args, **options) -> None:
        articles = queries.live_articles().defer("text").order_by("pk")
        if options["ids"]:
            articles = articles.filter(pk__in=options["ids"])
            missing = set(options["ids"]) - {a.pk for a in articles}
            if missing:
                raise CommandError(f"No such article: {sorted(missing)}")
        count = 0
        for article in articles:
            assisting.analyse_article(article)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Analysed {count} article(s)."))
