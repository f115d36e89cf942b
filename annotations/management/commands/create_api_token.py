from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotations import tokens


class Command(BaseCommand):
    help = (
        "Print a new API token for a user, replacing their old one. Only a hash "
        "is stored: copy the key now, it cannot be shown again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named '{options['username']}'.")
        _token, key = tokens.create_token(user=user)
        self.stdout.write(key)
