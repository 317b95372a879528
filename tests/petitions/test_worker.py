"""With a real Celery worker, Redis and PostgreSQL: every confirmation is sent, and sent once.

Each test starts `celery -A config worker` on the test database, with its emails caught by an
SMTP sink that the test runs (aiosmtpd). The worker and the test share Redis DB 14 (cache and
broker), on a queue of their own.
"""

import os
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from config.celery_app import app as celery_app
from petitions import confirmation_wake, counter, signature_links, signing, tasks
from petitions.models import Petition, Signature, WithdrawalLinkRequest
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.email_backends import ATTEMPTS_KEY, email_attempts
from tests.private_redis import PrivateRedis
from tests.process_groups import process_group_start, process_groups_stop

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 90


def _wait_for(condition, *, what: str, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}.")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Clear only the cache's keys: the broker's queue lives in the same Redis database."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    patterns = [
        f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:*",
        ATTEMPTS_KEY.format(address="*"),
    ]

    def clear():
        for pattern in patterns:
            for key in client.scan_iter(pattern):
                client.delete(key)

    clear()
    yield
    clear()


@contextmanager
def _publishing_to(broker_url: str, queue: str):
    """Make this process queue tasks on `broker_url` instead of running them in-process."""
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_always_eager", "task_default_queue")
    }

    def reset_pool():
        # Close the broker connections kombu keeps per URL, and forget the app's pools.
        kombu.pools.reset()
        celery_app._after_fork()

    celery_app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
    reset_pool()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_pool()


@pytest.fixture
def start_worker(smtp_sink, tmp_path):
    """Start a real Celery worker (and beat, if asked) on the test database; stop it after."""
    started = []
    database = settings.DATABASES["default"]
    database_url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    )
    queue = f"petitions-test-{uuid.uuid4().hex[:8]}"

    def start(*, broker_url: str = settings.REDIS_URL, beat: bool = False, **environment):
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tests.petitions.worker_settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": broker_url,
            "WORKER_QUEUE": queue,
            "WORKER_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_sink.port),
            # Production's idle class would leave the worker no CPU while anything else on the
            # machine is busy, and these tests time what it sends.
            "CELERY_WORKER_NICENESS": "0",
            **environment,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker",
            "--pool", "prefork", "--concurrency", "2", "--loglevel", "INFO",
            "--queues", queue, "--hostname", f"{queue}@%h",
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        if beat:
            command += ["--beat", "--schedule", str(tmp_path / "celerybeat-schedule")]
        log = tmp_path / f"worker-{len(started)}.log"
        process = process_group_start(command, env=env, log=log)
        started.append(process)
        _wait_for(
            lambda: "ready." in log.read_text() or process.poll() is not None,
            what="the Celery worker to start",
        )
        assert process.poll() is None, log.read_text()
        return queue

    start.started = started  # type: ignore[attr-defined]  # for a test to kill them midway
    yield start
    process_groups_stop(started)


def _sign(petition: Petition, count: int, *, prefix: str = "signer") -> list[Signature]:
    return [
        signing.signature_create(
            petition=petition,
            first_name=f"Signer {n}",
            last_name="Test",
            email=f"{prefix}{n}@example.org",
            country="FR",
            language="fr",
        ).signature
        for n in range(count)
    ]


def test_a_real_worker_sends_one_confirmation_per_signature(start_worker, smtp_sink):
    queue = start_worker()
    petition = PetitionFactory()

    with _publishing_to(settings.REDIS_URL, queue):
        signatures = _sign(petition, 5)
        _wait_for(lambda: len(smtp_sink.messages) >= 5, what="5 confirmation emails")
        # Everything that could send again: the sender woken twice more.
        tasks.confirmations_send_task.delay()
        tasks.confirmations_send_task.delay()
        time.sleep(3)

    assert sorted(smtp_sink.recipients()) == sorted(s.email for s in signatures)
    assert all(
        "/petition/confirm/" in m.get_payload()[0].get_payload(decode=True).decode()
        for m in smtp_sink.messages
    )
    assert not Signature.objects.confirmation_owed().exists()


def test_a_signer_who_comes_while_a_sender_is_on_its_way_is_mailed_by_it(
    start_worker, smtp_sink, monkeypatch
):
    # The wake key lives 4 s: the second signature asks no one, and no beat sweeps.
    monkeypatch.setattr(confirmation_wake, "WAKE_SECONDS", 4)
    queue = start_worker()
    petition = PetitionFactory()

    with _publishing_to(settings.REDIS_URL, queue):
        publish = mock.patch.object(
            tasks.confirmations_send_task,
            "apply_async",
            wraps=tasks.confirmations_send_task.apply_async,
        )
        with publish as published:
            [first] = _sign(petition, 1, prefix="first")
            _wait_for(lambda: smtp_sink.recipients() == [first.email], what="the first email")
            [second] = _sign(petition, 1, prefix="second")
            _wait_for(lambda: len(smtp_sink.messages) == 2, what="the second email", seconds=8)

    assert published.call_count == 1
    assert smtp_sink.recipients() == [first.email, second.email]


def test_an_esp_that_fails_three_times_then_accepts_gets_exactly_one_message(
    start_worker, smtp_sink
):
    queue = start_worker(
        beat=True,
        WORKER_EMAIL_BACKEND="tests.petitions.email_backends.FlakyEmailBackend",
        FLAKY_EMAIL_FAILURES="3",
        FLAKY_EMAIL_INNER_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    petition = PetitionFactory()

    with _publishing_to(settings.REDIS_URL, queue):
        [signature] = _sign(petition, 1, prefix="patient")
        _wait_for(lambda: smtp_sink.messages, what="the email after three failures")
        time.sleep(2)

    assert email_attempts(signature.email) == 4
    assert smtp_sink.recipients() == [signature.email]
    signature.refresh_from_db()
    assert signature.confirmation_send_count == 1


def test_withdrawal_links_the_server_deferred_come_after_the_worker_is_restarted(
    start_worker, smtp_sink, client
):
    SignatureFactory(petition=PetitionFactory(), email="greylisted@example.org", confirmed=True)
    flaky_esp = {
        "WORKER_EMAIL_BACKEND": "tests.petitions.email_backends.FlakyEmailBackend",
        "FLAKY_EMAIL_FAILURES": "1",
        "FLAKY_EMAIL_INNER_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    }
    queue = start_worker(**flaky_esp)

    with _publishing_to(settings.REDIS_URL, queue):
        asked = client.post("/petition/withdrawal-link/", {"email": "greylisted@example.org"})
        # The server says "later" to the first attempt; then the worker is gone.
        _wait_for(
            lambda: WithdrawalLinkRequest.objects.filter(attempts=1).exists(),
            what="the first attempt, deferred",
        )
        process_groups_stop(start_worker.started)
        assert smtp_sink.messages == []

        # A worker started again, with beat, never heard of the request: its sweep sends it.
        start_worker(beat=True, **flaky_esp)
        _wait_for(lambda: smtp_sink.messages, what="the links, sent by the sweep")
        time.sleep(3)  # a few more sweeps: none may send again

    assert asked["Location"] == "/petition/withdrawal-link/sent/"
    assert email_attempts("greylisted@example.org") == 2
    assert smtp_sink.recipients() == ["greylisted@example.org"]
    assert not WithdrawalLinkRequest.objects.exists()


def test_with_redis_stopped_every_signature_is_saved_and_emailed_once_redis_is_back(
    start_worker, smtp_sink, settings, tmp_path, client
):
    private_redis = PrivateRedis(tmp_path)
    redis_url = private_redis.url

    # The site's cache and broker both live on a Redis of our own, which we stop.
    settings.REDIS_URL = redis_url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    petition = PetitionFactory(slug="liberez-mamat")
    private_redis.start()
    private_redis.kill()

    with _publishing_to(redis_url, queue=f"down-{uuid.uuid4().hex[:8]}") as _:
        responses = [
            client.post(
                f"/petition/{petition.slug}/sign/",
                {"first_name": f"P{n}", "last_name": "Test", "email": f"p{n}@example.org",
                 "country": "FR"},
            )
            for n in range(50)
        ]  # fmt: skip

    assert {response.status_code for response in responses} == {302}
    assert {response["Location"] for response in responses} == {"/petition/liberez-mamat/signed/"}
    assert Signature.objects.count() == 50
    assert smtp_sink.messages == []

    private_redis.start()
    try:
        start_worker(broker_url=redis_url, beat=True, REDIS_URL=redis_url)
        _wait_for(lambda: len(smtp_sink.messages) >= 50, what="the 50 owed emails")
        time.sleep(3)  # a few more sweeps: none may send again
    finally:
        private_redis.kill()

    assert sorted(smtp_sink.recipients()) == sorted(f"p{n}@example.org" for n in range(50))
    assert not Signature.objects.confirmation_owed().exists()


def test_200_concurrent_confirmations_leave_the_count_exact(start_worker):
    queue = start_worker()
    petition = PetitionFactory()
    signatures = SignatureFactory.create_batch(200, petition=petition)
    assert counter.petition_signature_count(petition=petition) == 0
    paths = [
        f"/petition/confirm/{signature_links.confirmation_token_make(signature=signature)}/"
        for signature in signatures
    ]

    def confirm(path: str) -> int:
        try:
            return Client().post(path).status_code
        finally:
            connections.close_all()

    # Every link twice, all at once: a double click or two tabs must not count twice.
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(confirm, paths + paths[:50]))

    assert set(statuses) == {302}
    assert Signature.objects.confirmed().filter(petition=petition).count() == 200
    assert counter.petition_signature_count(petition=petition) == 200
    assert Client().get(f"/petition/{petition.slug}/count.json").json()["count"] == 200

    with _publishing_to(settings.REDIS_URL, queue):
        tasks.petition_counts_reconcile.delay()
        _wait_for(
            lambda: Petition.objects.get(pk=petition.pk).confirmed_count == 200,
            what="the worker's reconciliation",
        )
    assert counter.petition_signature_count(petition=petition) == 200
