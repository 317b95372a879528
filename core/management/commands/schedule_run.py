"""Run beat's schedule in this process: `make run`'s periodic tasks, where no broker is."""

import signal

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop

from core.in_process_schedule import ScheduleNotInProcess, schedule_run
from core.translated_commands import TranslatedHelpCommand


def _stop_on_sigterm(signum, frame) -> None:
    # SIGTERM (make run's trap, a process manager) stops the loop as Ctrl-C does: the task
    # under way is interrupted, its transaction rolled back, and the command returns.
    raise KeyboardInterrupt


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process, each at its interval "
        "(every one once at start). Only without a broker: `make run` starts it beside "
        "runserver; production runs Celery beat and a worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help=gettext("Run every periodic task once, then stop.")
        )

    def handle(self, *args, once: bool, **options) -> None:
        previous_sigterm_handler = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            schedule_run(rounds=1 if once else None)
        except ScheduleNotInProcess:
            raise CommandError(
                gettext(
                    "CELERY_BROKER_URL is set: Celery beat runs the schedule (deploy/systemd/)."
                )
            ) from None
        except KeyboardInterrupt:
            return
        finally:
            signal.signal(signal.SIGTERM, previous_sigterm_handler)
