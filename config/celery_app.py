import os

from celery import Celery, signals

from config.cpu_priority import cpu_priority_idle_leave, cpu_priority_lower

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("mamat")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def worker_cpu_priority_lower(**_kwargs) -> None:
    """Leave the CPU to the web server first: in a surge, signatures are taken at once and
    their confirmation emails (queued, never lost) go out as soon as the CPU is free."""
    from django.conf import settings

    if settings.CELERY_WORKER_NICENESS:
        cpu_priority_lower(settings.CELERY_WORKER_NICENESS)


@signals.worker_shutting_down.connect
def worker_cpu_priority_idle_leave(**_kwargs) -> None:
    """Asked to stop (SIGTERM from systemd or a deploy, Ctrl-C), finish the tasks under way and
    stop with a normal process's share of the CPU, not the idle class's leftovers: in a surge,
    the stop would otherwise wait for the web server until systemd's timeout kills the worker.

    Sent in the main process only; the pool's children hear of the shutdown only when each has
    finished its task, so the main process moves them out of the idle class too.
    """
    cpu_priority_idle_leave()


@signals.task_prerun.connect
@signals.task_postrun.connect
def database_connections_check(task, **_kwargs) -> None:
    """Hand back or replace this worker's database connections around every task.

    What Django does around each request: a connection that failed (the database restarted,
    a network blip) is closed instead of failing every later task until a restart, and the
    pool checks the next one before handing it out. A task run in-process (no broker, as
    under `make run`) shares its caller's connection and transaction, and is left alone.
    """
    from django.db import close_old_connections

    if not task.request.is_eager:
        close_old_connections()
