"""What the site logs reaches the console once, under `make run`'s DEBUG as in production."""

import logging

import pytest
from django.conf import settings as django_settings
from django.utils.log import configure_logging


@pytest.fixture
def site_logging_restored():
    yield
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)


@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_request_is_logged_once(site_logging_restored, capfd, settings, debug):
    settings.DEBUG = debug
    # The site's logging as `manage.py` sets it up, writing where capfd reads.
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)

    logging.getLogger("django.request").warning("Forbidden (Permission denied): /admin/")

    assert capfd.readouterr().err.count("Forbidden (Permission denied): /admin/") == 1


def test_a_request_for_a_host_the_site_does_not_serve_is_one_warning_not_a_traceback(
    site_logging_restored, capfd, caplog, client, settings
):
    settings.DEBUG = False
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    logging.getLogger().addHandler(caplog.handler)  # after the site's, to see what it wrote

    response = client.get("/", HTTP_HOST="scanner.example")

    assert response.status_code == 400
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    logged = capfd.readouterr().err.strip().splitlines()
    assert logged == [
        "Invalid HTTP_HOST header: 'scanner.example'. You may need to add "
        "'scanner.example' to ALLOWED_HOSTS."
    ]
