from celery import shared_task

from staff import access_trail


@shared_task
def access_events_purge_expired() -> int:
    return access_trail.access_events_purge_expired()
