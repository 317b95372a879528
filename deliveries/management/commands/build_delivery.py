import resource
import time

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop

from core.translated_commands import TranslatedHelpCommand
from deliveries import batches
from deliveries.addresses import DeliveryRefused
from petitions.models import Petition


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Build the next delivery of a petition for each of its targets (letter and CSV) without "
        "sending it, and print its size, time and the process's peak memory: the benchmark's "
        "entry point. The next delivery run sends what this built."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--petition", metavar="SLUG", required=True, help=gettext("the petition's slug")
        )

    def handle(self, *args, petition: str, **options) -> None:
        selected = Petition.objects.filter(slug=petition).first()
        if selected is None:
            raise CommandError(gettext("No petition with the slug %(slug)s.") % {"slug": petition})
        refused = []
        for target in selected.targets.all():
            started = time.perf_counter()
            try:
                delivery = batches.delivery_batch_create(
                    petition=selected, target=target, queue_send=False
                )
            except DeliveryRefused as refusal:
                # An address not approved yet, say: the reason, not a traceback; the other
                # targets are built all the same.
                refused.append(
                    gettext("%(target)s: refused. %(refusal)s")
                    % {"target": target, "refusal": refusal}
                )
                continue
            seconds = time.perf_counter() - started
            if delivery is None:
                self.stdout.write(gettext("%(target)s: no new signature.") % {"target": target})
                continue
            csv_bytes = delivery.signatures_csv.size if delivery.signatures_csv else 0
            # One line of key=value a script reads (bench/probe.py): not translated.
            self.stdout.write(
                f"delivery={delivery.pk} target={target.pk} signatures={delivery.total_count} "
                f"named={delivery.named_count} pdf_bytes={delivery.letter_pdf.size} "
                f"csv_bytes={csv_bytes} seconds={seconds:.2f} "
                f"peak_rss_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}"
            )
        if refused:
            raise CommandError(" ".join(refused))
