"""A real Celery worker on the test database, sending to the test SMTP server.

Tasks go through Redis (DELIVERIES_TEST_BROKER_URL, database 8 by default) and email through
SMTP to `smtp_sink`, so that every step crosses a real process boundary, as in production.
"""

import os
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.process_groups import process_group_start, process_groups_stop

BROKER_URL = os.environ.get("DELIVERIES_TEST_BROKER_URL", "redis://127.0.0.1:6379/8")
WAIT_SECONDS = 60


def wait_for(condition, *, what: str, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    queued = redis.Redis.from_url(BROKER_URL).llen("celery")
    pytest.fail(
        f"Timed out waiting for {what} (tasks queued: {queued}). "
        f"Worker log:\n{log.read_text()[-5000:]}"
    )


def worker_environment(*, broker_url: str, **settings: str) -> dict[str, str]:
    """Return the environment of a `celery worker` process on the test database and Redis,
    read as production reads it, with `settings` added."""
    database = connection.settings_dict
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        # The same as this process: links the worker signs open here, as across production.
        "SECRET_KEY": django_settings.SECRET_KEY,
        "DATABASE_URL": (
            f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": broker_url,
        **settings,
    }


@pytest.fixture
def broker():
    """Publish this process's tasks to Redis instead of running them in-process.

    Tasks are published on a connection of their own (see `run_due`): the app's producer pool
    may already hold a connection to another broker.
    """
    from config.celery_app import app

    redis.Redis.from_url(BROKER_URL).flushdb()
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, BROKER_URL
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    redis.Redis.from_url(BROKER_URL).flushdb()


@pytest.fixture
def worker(broker, smtp_sink, tmp_path):
    """A `celery worker` process on the test database, sending to `smtp_sink` over SMTP."""
    env = worker_environment(
        broker_url=BROKER_URL,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_sink.port),
        DELIVERY_FILES_ROOT=str(django_settings.DELIVERY_FILES_ROOT),
        # At production's default (Linux's idle class) the worker would get no CPU while
        # anything else on the machine is busy: these tests are about what it sends, not when.
        CELERY_WORKER_NICENESS="0",
    )
    log = tmp_path / "worker.log"
    process = process_group_start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=deliveries-test-{os.getpid()}@%h",
        ],
        env=env,
        log=log,
    )
    try:
        wait_for(lambda: " ready." in log.read_text(), what="the worker to start", log=log)
        yield log
    finally:
        process_groups_stop([process])


def task_publish(app, task, *args) -> None:
    """Queue `task` on the test broker through a connection of its own.

    The app's producer pool may still hold a connection to the broker of an earlier test:
    a task queued with `.delay()` could land there, where no worker listens.
    """
    with app.connection_for_write(BROKER_URL) as connection_:
        task.apply_async(args, connection=connection_)
