"""What the site logs reaches the console once, under `make run`'s DEBUG as in production."""

import logging

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.log import configure_logging

from tests.petitions.factories_staff import PETITION_MANAGERS, staff_with_role
from tests.staff_fixtures import login_verified


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


@pytest.mark.django_db
def test_a_staff_member_refused_a_page_is_one_warning_not_a_traceback(
    site_logging_restored, capfd, caplog, client, settings
):
    """A petition manager types the export's address: the log says so, and no more."""
    settings.DEBUG = True  # as under `make run`
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    logging.getLogger().addHandler(caplog.handler)
    login_verified(client, staff_with_role(PETITION_MANAGERS))

    response = client.get(reverse("admin:petitions_signature_export"))

    assert response.status_code == 403
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    logged = capfd.readouterr().err.strip().splitlines()
    assert logged == ["Forbidden (Permission denied): /admin/petitions/signature/export/"]


def test_a_server_error_keeps_its_traceback(site_logging_restored, capfd, settings):
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)

    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        logging.getLogger("django.request").error(
            "Internal Server Error: /", exc_info=True, extra={"status_code": 500}
        )

    logged = capfd.readouterr().err
    assert "Traceback (most recent call last)" in logged
    assert "RuntimeError: the database went away" in logged
