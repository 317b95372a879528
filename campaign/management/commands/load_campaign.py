from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Create the Mamat campaign's pages, calls to action and petition where they are "
        "missing; never overwrite edits."
    )

    def handle(self, *args, **options):
        # Each app names its loader on its AppConfig, so that the campaign, lowest of the
        # layers, never imports the apps that build on it (docs/architecture.md).
        for app_config in apps.get_app_configs():
            loader = getattr(app_config, "initial_content_loader", None)
            if loader:
                report = import_string(loader)()
                self.stdout.write(self.style.SUCCESS(f"{app_config.verbose_name}: {report}"))
