"""Redis (the cache and the broker) killed in the middle of a surge, then started again."""

import time

import pytest

from tests.faults.conftest import (
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
    mailboxes_of,
    stored_mailboxes,
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
