"""Run beat's schedule in this process: `make run`'s periodic tasks, where no broker is."""

from django.core.management.base import BaseCommand, CommandError

from core.in_process_schedule import ScheduleNotInProcess, schedule_run


class Command(BaseCommand):
    help = (
        "Run the periodic tasks of CELERY_BEAT_SCHEDULE in this process, each at its interval "
        "(every one once at start). Only without a broker: `make run` starts it beside "
        "runserver; production runs Celery beat and a worker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Run every periodic task once, then stop."
        )

    def handle(self, *args, once: bool, **options) -> None:
        try:
            schedule_run(rounds=1 if once else None)
        except ScheduleNotInProcess:
            raise CommandError(
                "CELERY_BROKER_URL is set: Celery beat runs the schedule (deploy/systemd/)."
            ) from None
        except KeyboardInterrupt:
            return
