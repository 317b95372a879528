from django.core.management.base import BaseCommand, CommandError

from staff import services
from staff.selectors import user_by_username


class Command(BaseCommand):
    help = "Delete a staff member's authenticator app and backup codes (a lost phone)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = user_by_username(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        deleted = services.two_factor_reset(user=user, actor=None)
        self.stdout.write(
            f"Deleted {deleted} device(s) of {username}: they set up a new app at next login. "
            "Make sure it is really them before they log in."
        )
