"""The probes a proxy or an orchestrator sends each node: alive, and ready to serve."""

import pytest
from django.test import override_settings

from core import health

pytestmark = pytest.mark.django_db


def test_a_live_process_answers_healthz_without_touching_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@override_settings(ALLOWED_HOSTS=["mamat.example"], SECURE_SSL_REDIRECT=True)
def test_a_probe_naming_the_node_by_address_over_plain_http_is_answered(client):
    # An orchestrator probes 10.0.0.5:8000 directly, not the public name over HTTPS.
    for path in ("/healthz", "/readyz"):
        response = client.get(path, HTTP_HOST="10.0.0.5:8000")

        assert response.status_code == 200, path


def test_a_node_reaching_the_database_and_redis_is_ready(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_a_node_asked_before_its_first_request_is_ready(client):
    # A node just started, whose database pool no request has opened yet: the proxy's or the
    # orchestrator's probe comes first.
    from django.db import connection

    if connection.pool is None:
        pytest.skip("the database has no pool")
    opened_by_earlier_tests = connection._connection_pools.pop(connection.alias)
    try:
        assert client.get("/readyz").status_code == 200
    finally:
        connection.close_pool()
        connection._connection_pools[connection.alias] = opened_by_earlier_tests


def test_a_node_that_cannot_reach_redis_is_not_ready(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unreachable"}


def test_a_node_that_cannot_reach_the_database_is_not_ready(client, monkeypatch):
    monkeypatch.setattr(health, "database_answers", lambda: False)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_the_probes_are_never_kept_by_the_public_page_cache(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    client.get("/readyz")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    assert client.get("/readyz").status_code == 503
