"""Verify each petition's ledger as the database holds it; name the first entry that fails."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop, ngettext

from core.translated_commands import TranslatedHelpCommand
from petitions.ledger import ledger_verify
from petitions.models import Petition
from scripts.verify_ledger import LedgerEntryBad


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Check every entry of the public ledgers: content, hash, chain, signature, and that "
        "each delivery recorded still matches the site's record. Exits 1 naming the first "
        "entry that fails."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--petition", help=gettext("the petition's slug (default: every one)"))

    def handle(self, *args, **options) -> None:
        petitions = Petition.objects.public().order_by("slug")
        if options["petition"]:
            petitions = petitions.filter(slug=options["petition"])
            if not petitions.exists():
                raise CommandError(
                    gettext("No public petition with the slug %(slug)s.")
                    % {"slug": options["petition"]}
                )
        failures = []
        for petition in petitions:
            try:
                count = ledger_verify(petition=petition)
            except LedgerEntryBad as error:
                failures.append(f"{petition.slug}: {error}")
                continue
            verified = ngettext(
                "%(petition)s: %(count)s entry verified",
                "%(petition)s: %(count)s entries verified",
                count,
            )
            self.stdout.write(verified % {"petition": petition.slug, "count": intcomma(count)})
        if failures:
            # What fails is told as scripts/verify_ledger.py tells anyone who runs it alone.
            raise CommandError(
                gettext("Ledger NOT verified. %(failures)s") % {"failures": "; ".join(failures)}
            )
