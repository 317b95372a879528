"""Withdraw, erase and hide again what the erasure journal records, after a database restore."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop, ngettext

from core.translated_commands import TranslatedHelpCommand
from petitions.erasure_journal import JournalLineBad
from petitions.erasure_reapply import erasures_reapply


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Run right after restoring a database backup (and `migrate`), before the site reopens: "
        "re-applies every withdrawal, erasure and hidden name in the erasure journal that the "
        "restored database no longer shows, then reconciles the counts. Safe to run any time: "
        "it changes nothing when nothing came back."
    )

    def handle(self, *args, **options) -> None:
        try:
            applied = erasures_reapply()
        except JournalLineBad as error:
            refusal = gettext(
                "The erasure journal holds a line it cannot read (%(error)s): the lines before "
                "it were applied, none after. Fix or remove that line, then run this again."
            )
            raise CommandError(refusal % {"error": error}) from error
        # In the site's language, counts grouped as staff read them ("1 234" in French).
        withdrawn = ngettext("%(count)s withdrawn", "%(count)s withdrawn", applied["withdrawn"]) % {
            "count": intcomma(applied["withdrawn"])
        }
        erased = ngettext("%(count)s erased", "%(count)s erased", applied["erased"]) % {
            "count": intcomma(applied["erased"])
        }
        hidden = ngettext("%(count)s hidden", "%(count)s hidden", applied["hidden"]) % {
            "count": intcomma(applied["hidden"])
        }
        self.stdout.write(
            gettext("Applied again: %(withdrawn)s, %(erased)s, %(hidden)s.")
            % {"withdrawn": withdrawn, "erased": erased, "hidden": hidden}
        )
