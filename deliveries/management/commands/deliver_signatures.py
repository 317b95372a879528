from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from core.translated_commands import TranslatedHelpCommand
from deliveries import runs
from petitions.models import Petition


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Show what would be delivered to the petitions' targets (what the schedules say is due, "
        "or with --petition everything that waits for that petition); deliver it with --yes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--petition", metavar="SLUG", help=_("Deliver now whatever waits for this petition.")
        )
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("Deliver what the preview shows. Without it, print the preview; send nothing."),
        )

    def handle(self, *args, petition: str | None, yes: bool, **options) -> None:
        # A delivery cannot be taken back: without --yes, only the preview.
        dry_run = not yes
        selected = None
        if petition:
            selected = Petition.objects.filter(slug=petition).first()
            if selected is None:
                raise CommandError(_("No petition with the slug %(slug)s.") % {"slug": petition})
        report = runs.deliveries_run(petition=selected, dry_run=dry_run)
        if not report.outcomes:
            self.stdout.write(_("Nothing is due."))
        for outcome in report.outcomes:
            values = {
                "petition": outcome.petition.slug,
                "target": outcome.target,
                "count": intcomma(outcome.awaiting),
                "named": intcomma(outcome.named),
            }
            if outcome.refusal:
                values["refusal"] = outcome.refusal
                line = _("%(petition)s → %(target)s: refused. %(refusal)s")
            elif dry_run:
                values["address"] = outcome.target.email
                line = ngettext(
                    "%(petition)s → %(target)s <%(address)s>: would deliver %(count)s new "
                    "signature, %(named)s of them named.",
                    "%(petition)s → %(target)s <%(address)s>: would deliver %(count)s new "
                    "signatures, %(named)s of them named.",
                    outcome.awaiting,
                )
            elif outcome.delivery is None:
                line = _("%(petition)s → %(target)s: no new signature.")
            else:
                values["delivery"] = outcome.delivery.pk
                values["status"] = outcome.delivery.get_status_display()
                line = ngettext(
                    "%(petition)s → %(target)s: delivery %(delivery)d with %(count)s new "
                    "signature, %(named)s of them named (%(status)s).",
                    "%(petition)s → %(target)s: delivery %(delivery)d with %(count)s new "
                    "signatures, %(named)s of them named (%(status)s).",
                    outcome.awaiting,
                )
            self.stdout.write(line % values)
        if dry_run and any(o.awaiting and not o.refusal for o in report.outcomes):
            self.stdout.write(_("Nothing was sent. Run again with --yes to deliver."))
        if report.resumed:
            self.stdout.write(
                ngettext(
                    "%(count)s interrupted delivery taken up again.",
                    "%(count)s interrupted deliveries taken up again.",
                    report.resumed,
                )
                % {"count": intcomma(report.resumed)}
            )
