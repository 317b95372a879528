from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext, gettext_noop, ngettext

from core.translated_commands import TranslatedHelpCommand
from staff import services


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Lift the lockout that failed logins put on an account, and reopen the paused "
        "networks it has logged in from."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=gettext("the staff member's username"))

    def handle(self, *args, username: str, **options):
        unlock = services.account_unlock(username=username, actor=None)
        if not unlock.account_exists:
            # Said plainly: "was not locked" would read as done to someone who mistyped it.
            state = gettext(
                "No account is named %(username)s: check the name. Its failed attempts, if "
                "any, are forgotten."
            )
        elif unlock.account_was_locked:
            state = gettext("The account %(username)s is unlocked.")
        else:
            state = gettext(
                "The account %(username)s was not locked; its failed attempts are forgotten."
            )
        self.stdout.write(state % {"username": username})
        if unlock.networks_reopened:
            reopened = ngettext(
                "%(count)s paused network it had logged in from is reopened.",
                "%(count)s paused networks it had logged in from are reopened.",
                unlock.networks_reopened,
            )
            self.stdout.write(reopened % {"count": intcomma(unlock.networks_reopened)})
