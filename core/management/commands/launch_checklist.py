"""Print what is left to do before launch, as the admin's home lists it; exit 1 if anything."""

import sys

from django.utils.translation import gettext_noop

from core.launch_checklist import launch_steps
from core.translated_commands import TranslatedHelpCommand


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Print what is left to do before the campaign goes public; exit 1 if anything."
    )

    def handle(self, *args, **options) -> None:
        # Each step's title and why are translated where they are made (core/launch_checklist.py).
        steps = launch_steps()
        for step in steps:
            self.stdout.write(f"[{'x' if step.done else ' '}] {step.title}")
            if not step.done:
                self.stdout.write(f"    {step.why}")
        if not all(step.done for step in steps):
            sys.exit(1)
