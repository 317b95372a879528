from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop

from core.translated_commands import TranslatedHelpCommand


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Create the Mamat campaign's pages, calls to action and petition where they are "
        "missing; never overwrite edits."
    )

    def handle(self, *args, **options):
        # Each app names its loader on its AppConfig, so that the campaign, lowest of the
        # layers, never imports the apps that build on it (docs/architecture.md).
        for app_config in apps.get_app_configs():
            loader = getattr(app_config, "initial_content_loader", None)
            if loader:
                # Each report says itself in the language the command runs in.
                report = import_string(loader)()
                line = gettext("%(app)s: %(report)s") % {
                    "app": app_config.verbose_name,
                    "report": report,
                }
                self.stdout.write(self.style.SUCCESS(line))
