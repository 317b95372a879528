from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop, ngettext

from core.translated_commands import TranslatedHelpCommand
from staff import services
from staff.selectors import user_by_username


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Delete a staff member's authenticator app and backup codes (a lost phone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help=gettext("the staff member's username"))

    def handle(self, *args, username: str, **options):
        user = user_by_username(username)
        if user is None:
            raise CommandError(gettext("No user named %(username)s.") % {"username": username})
        deleted = services.two_factor_reset(user=user, actor=None)
        done = ngettext(
            "Deleted %(count)s device of %(username)s: they set up a new app at next login. "
            "Make sure it is really them before they log in.",
            "Deleted %(count)s devices of %(username)s: they set up a new app at next login. "
            "Make sure it is really them before they log in.",
            deleted,
        )
        self.stdout.write(done % {"count": intcomma(deleted), "username": username})
