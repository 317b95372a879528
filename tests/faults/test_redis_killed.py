"""Redis (the cache and the broker) killed in the middle of a surge, then started again."""

import subprocess
import time

import pytest
import redis

from petitions.models import Signature
from tests.faults.conftest import (
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
    wait_for,
)
from tests.smtp_sink import free_port


@pytest.fixture
def private_redis(tmp_path, site_environment):
    """A Redis of the test's own, for both the cache and the broker, which the test kills."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"

    def start() -> subprocess.Popen:
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: _answers(url), what="the private Redis")
        return server

    site_environment.update(REDIS_URL=url, CELERY_BROKER_URL=url)
    servers = [start()]
    yield servers, start
    for server in servers:
        server.kill()
        server.wait()


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.2).ping()
    except redis.exceptions.ConnectionError:
        return False


def test_redis_killed_during_signing_loses_no_signature_and_no_email(
    private_redis, site, petition, smtp_server
):
    servers, start = private_redis
    signers = Signers(base_url=site.url, slug=petition.slug)
    signers.start(threads=3)
    time.sleep(3)
    servers[0].kill()
    servers[0].wait()
    killed_at = time.monotonic()
    time.sleep(6)
    servers.append(start())
    time.sleep(4)
    signers.stop()

    acknowledged = signers.acknowledged()
    assert acknowledged <= set(Signature.objects.values_list("email", flat=True))
    while_down = [a for a in signers.attempts if killed_at + 1 < a.started < killed_at + 5]
    # Signing never needs Redis: supporters were thanked while it was down.
    assert while_down and all(attempt.acknowledged for attempt in while_down)
    every_stored_signer_mailed_once(smtp_server)
    everyone_confirmed_is_delivered_once(petition, smtp_server)
