import os

from celery import Celery, signals

from config.cpu_priority import cpu_priority_lower

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
