from celery import shared_task

from staff import services


@shared_task
def access_events_purge_expired() -> int:
    return services.access_events_purge_expired()
