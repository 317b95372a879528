from celery import shared_task

from staff import access_trail, services


@shared_task
def access_events_purge_expired() -> int:
    """Delete the trail entries past their retention, and the login counts that are over."""
    services.login_throttles_purge_expired()
    return access_trail.access_events_purge_expired()
