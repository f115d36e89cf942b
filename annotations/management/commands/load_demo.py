from django.core.management.base import BaseCommand, CommandError

from annotations import demo


class Command(BaseCommand):
    help = "Load the demo article with its researched verdicts (once; safe to repeat)."

    def handle(self, *args, **options) -> None:
        try:
            article, created = demo.load_demo_article()
        except demo.DemoDataMismatch as error:
            raise CommandError(str(error)) from None
        if created:
            message = f'Loaded demo article {article.pk} "{article.title}".'
        else:
            message = (
                f"Demo article already loaded as article {article.pk}; left as is."
            )
        self.stdout.write(self.style.SUCCESS(message))
