import pytest
from django.utils import translation

from petitions import signature_links, signing
from tests.factories import PetitionFactory
from tests.petitions.factories_staff import DATA_OFFICERS, logged_in_as


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "worker: starts a real Celery worker against PostgreSQL and Redis (slower)"
    )


@pytest.fixture(autouse=True)
def _french_by_default():
    """Start each test in the site's default language, whatever the last request activated."""
    with translation.override("fr"):
        yield


@pytest.fixture
def petition(db):
    return PetitionFactory(slug="liberez-mamat")


@pytest.fixture
def sign(petition, django_capture_on_commit_callbacks):
    """Sign `petition` the way the form does, running what waits for the commit (the email)."""

    def sign(**values):
        values = {
            "petition": petition,
            "first_name": "Aynur",
            "last_name": "Tursun",
            "email": "aynur@example.org",
            "country": "FR",
            "language": "fr",
            "ip_hash": signing.signer_ip_fingerprint(ip="203.0.113.7"),
            **values,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return signing.signature_create(**values)

    return sign


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm a signature through its emailed link, running what waits for the commit."""

    def confirm(signature):
        with django_capture_on_commit_callbacks(execute=True):
            return signing.signature_confirm(
                token=signature_links.confirmation_token_make(signature=signature)
            )

    return confirm


@pytest.fixture
def officer_client(client):
    """A client logged in as a data officer, who may export signatures."""
    logged_in_as(client, DATA_OFFICERS)
    return client
