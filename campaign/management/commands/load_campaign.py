from django.core.management.base import BaseCommand

from campaign.services import campaign_load_initial
from petitions.services import petition_load_initial


class Command(BaseCommand):
    help = "Create the Mamat campaign's pages where they are missing; never overwrite edits."

    def handle(self, *args, **options):
        report = campaign_load_initial()
        petition_load_initial()
        self.stdout.write(
            self.style.SUCCESS(
                f"Campaign {'created' if report.campaign_created else 'already there'}; "
                f"{report.pages_created} page(s) and "
                f"{report.calls_to_action_created} call(s) to action created."
            )
        )
