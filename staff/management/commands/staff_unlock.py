from django.core.management.base import BaseCommand

from staff import services


class Command(BaseCommand):
    help = (
        "Lift the lockout that failed logins put on an account, and reopen the paused "
        "networks it has logged in from."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        unlock = services.account_unlock(username=username, actor=None)
        state = (
            "unlocked"
            if unlock.account_was_locked
            else "was not locked; its failed attempts are forgotten"
        )
        self.stdout.write(f"{username} {state}.")
        if unlock.networks_reopened:
            self.stdout.write(
                f"{unlock.networks_reopened} paused network(s) it had logged in from reopened."
            )
