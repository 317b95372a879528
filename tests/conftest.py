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
def _clear_cache(monkeypatch):
    from django.core.cache import cache

    from core.public_cache import public_content_changed
    from petitions import confirmation_wake

    cache.clear()
    # What this process keeps of the public content (pages, the petition signed) went too: a
    # test's petition is not the one an earlier test kept under the same slug.
    public_content_changed()
    # The wake key this process saw alive went with the cache.
    monkeypatch.setattr(confirmation_wake, "_wake_key_alive_until", 0.0)
    yield
    cache.clear()


@pytest.fixture
def site_language():
    """No language chosen in this thread, as in a `manage.py` process: gettext speaks the
    site's own (LANGUAGE_CODE, French). A request an earlier test made in this thread leaves
    its language active, which would otherwise decide what a command prints."""
    from django.utils import translation

    translation.deactivate()
    yield settings.LANGUAGE_CODE
    translation.deactivate()


@pytest.fixture
def mamat_campaign(db):
    """The Mamat campaign as `load_campaign` creates it (pages, calls, petition), with the
    legal identities and contact address staff fill in before launch."""
    from io import StringIO

    from django.core.management import call_command

    from campaign.selectors import campaign_current

    call_command("load_campaign", stdout=StringIO())
    return _launched(campaign_current())


def _launched(campaign):
    """Fill in what staff give before launch (the law's identities, a contact address), and
    publish the legal notice and contact page that load_campaign left as drafts without them."""
    from campaign.models import Campaign, Page
    from campaign.services import pages_publish

    Campaign.objects.filter(pk=campaign.pk).update(
        publisher_name="Association des amis de Mamat (test)",
        publication_director="Directrice de la publication (test)",
        hosting_provider="Hébergeur (test), 1 rue de l'Exemple, Paris",
        contact_email="contact@example.org",
    )
    pages_publish(pages=Page.objects.filter(kind__in=[Page.Kind.LEGAL_NOTICE, Page.Kind.CONTACT]))
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def _public_page_cache_on():
    """Serve public pages from memory, starting and ending with an empty cache."""
    from core.public_cache import public_content_changed

    public_content_changed()
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=60):
        yield
    public_content_changed()
