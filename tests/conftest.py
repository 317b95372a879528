import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import override_settings

pytest_plugins = ["tests.staff_fixtures", "tests.smtp_sink", "tests.celery_worker"]


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def pytest_configure(config):
    """Stop at once, naming the service, when PostgreSQL or Redis is not running."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
        if not _reachable(f"postgres://{host}:{port}", 5432):
            pytest.exit(
                f"PostgreSQL is not running at {host}:{port}. Start it (see README, 'Tests') "
                "or point DATABASE_URL at one.",
                returncode=3,
            )
    if settings.REDIS_URL and not _reachable(settings.REDIS_URL, 6379):
        pytest.exit(
            f"Redis is not running at {settings.REDIS_URL}. Start it (see README, 'Tests') "
            "or point REDIS_URL at one.",
            returncode=3,
        )


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mamat_campaign(db):
    """The Mamat campaign exactly as `load_campaign` creates it: pages, calls, petition."""
    from io import StringIO

    from django.core.management import call_command

    from campaign.selectors import campaign_current

    call_command("load_campaign", stdout=StringIO())
    return campaign_current()


@pytest.fixture
def _public_page_cache_on():
    """Serve public pages from memory, starting and ending with an empty cache."""
    from core.public_cache import public_content_changed

    public_content_changed()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        yield
    public_content_changed()
