"""What the Celery worker and beat write to their logs: a task that fails, and what the site's
own tasks report, but not a line for every routine task (beat's sweeps run every few seconds)."""

import pytest

from petitions import tasks
from tests.celery_worker import task_publish, wait_for
from tests.config.processes import python_printed

pytestmark = pytest.mark.django_db(transaction=True)

ROUTINE_LOGGERS = ("celery.worker.strategy", "celery.app.trace", "celery.beat")
LOGGERS_AT_INFO = (
    "import django, logging; django.setup(); "
    f"print(*(logging.getLogger(name).isEnabledFor(logging.INFO) for name in {ROUTINE_LOGGERS}))"
)


def test_a_real_worker_logs_the_task_that_failed_and_not_the_routine_ones(broker, worker):
    task_publish(broker, tasks.petition_counts_reconcile)
    task_publish(broker, tasks.signature_export_build_task, "not the number of an export")

    wait_for(lambda: "raised unexpected" in worker.read_text(), what="the failure", log=worker)

    log = worker.read_text()
    assert "ValueError" in log
    assert "received" not in log
    assert "succeeded" not in log


def test_beat_does_not_log_each_task_it_sends():
    assert python_printed(LOGGERS_AT_INFO) == ["False", "False", "False"]


def test_an_operator_who_asks_for_debug_logs_gets_the_routine_lines_back():
    assert python_printed(LOGGERS_AT_INFO, LOG_LEVEL="debug") == ["True", "True", "True"]
