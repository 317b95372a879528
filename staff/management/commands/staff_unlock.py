from django.core.management.base import BaseCommand

from staff import services


class Command(BaseCommand):
    help = "Lift the lockout that failed logins put on an account."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        was_locked = services.account_unlock(username=username, actor=None)
        state = "unlocked" if was_locked else "was not locked; its failed attempts are forgotten"
        self.stdout.write(f"{username} {state}.")
