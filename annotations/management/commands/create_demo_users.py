import os

from django.core.management.base import BaseCommand, CommandError

from annotations import demo


class Command(BaseCommand):
    help = "Create the demo accounts admin, editor, reviewer and viewer (DEBUG only)."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or "factcheck-demo"
        try:
            accounts = demo.create_demo_accounts(password=password)
        except PermissionError as error:
            raise CommandError(str(error)) from None
        for account in accounts:
            state = (
                "created" if account.created else "already exists, password unchanged"
            )
            self.stdout.write(f"  {account.username:<9} {state}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts: admin, editor, reviewer, viewer / password: {password}"
            )
        )
