"""Redis (the cache and the broker) killed in the middle of a surge, then started again."""

import time

import pytest
import redis

from petitions.confirmation_wake import WAKE_SECONDS
from tests.faults.conftest import (
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
    mailboxes_of,
    stored_mailboxes,
    wait_for,
)
from tests.private_redis import PrivateRedis


@pytest.fixture
def private_redis(tmp_path, site_environment):
    """A Redis of the test's own, for both the cache and the broker, which the test kills."""
    server = PrivateRedis(tmp_path)
    site_environment.update(REDIS_URL=server.url, CELERY_BROKER_URL=server.url)
    server.start()
    yield server
    server.kill()


def test_redis_killed_during_signing_loses_no_signature_and_no_email(
    private_redis, site, petition, smtp_sink
):
    signers = Signers(base_url=site.url, slug=petition.slug)
    signers.start(threads=3)
    time.sleep(3)
    private_redis.kill()
    killed_at = time.monotonic()
    time.sleep(6)
    private_redis.start()
    time.sleep(4)
    signers.stop()

    acknowledged = signers.acknowledged()
    assert mailboxes_of(acknowledged) <= stored_mailboxes()
    while_down = [a for a in signers.attempts if killed_at + 1 < a.started < killed_at + 5]
    # Signing never needs Redis: supporters were thanked while it was down.
    assert while_down and all(attempt.acknowledged for attempt in while_down)
    every_stored_signer_mailed_once(smtp_sink)
    everyone_confirmed_is_delivered_once(petition, smtp_sink)


# One worker process, busy; room for two messages not yet started, so that the worker still
# listens on Redis while it holds one: the state a worker of three processes is in whenever
# all three are busy and fewer than three messages wait (production's prefetch is one each).
@pytest.mark.parametrize(
    "worker_options", [{"beat": False, "concurrency": 1, "prefetch_multiplier": 2}]
)
def test_redis_lost_while_the_worker_holds_an_unstarted_message_leaves_the_worker_running(
    private_redis, site, petition, smtp_sink
):
    smtp_sink.data_hold = lambda addresses: 8.0 if "held@example.org" in addresses else 0.0
    signers = Signers(base_url=site.url, slug=petition.slug)
    assert signers.sign("held@example.org").acknowledged
    wait_for(smtp_sink.holding.is_set, what="the held message on the wire")
    time.sleep(WAKE_SECONDS + 0.2)  # the first wake key is gone: the next signature wakes anew
    assert signers.sign("waiting@example.org").acknowledged
    broker = redis.Redis.from_url(private_redis.url)
    queue = site.env["FAULTS_QUEUE"]
    wait_for(
        lambda: broker.llen(queue) == 0 and broker.hlen("unacked") == 1,
        what="the wake message taken by the busy worker, not yet started",
    )

    private_redis.kill()
    time.sleep(3)
    private_redis.start()
    every_stored_signer_mailed_once(smtp_sink)
    # The worker's sender has finished: only a message taken from Redis can send this one.
    assert signers.sign("after@example.org").acknowledged
    every_stored_signer_mailed_once(smtp_sink)
    assert site.exited() == {}
    assert "Unrecoverable error" not in site.logged()
