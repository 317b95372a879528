"""A form too large is answered with the site's own 400 page, under `make run`'s DEBUG too."""

import pytest
from django.test import Client

from tests.staff_fixtures import login_verified

UPDATE_ADD = "/admin/updates/supporterupdate/add/"
# 3.3 MB sent (multipart, UTF-8), over Django's 2.5 MB: a long text pasted into the editor.
LONG_TEXT = "Nous avons remis vos signatures à l'ambassade. " * 70_000


@pytest.fixture
def make_run(settings):
    """`make run`'s DEBUG, with its middleware loaded anew by each test client."""
    settings.DEBUG = True
    return settings


@pytest.fixture
def staff_browser(make_run, verified_staff_user):
    """Staff's browser: it sends the CSRF token, and Django checks it, as under `make run`."""
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, verified_staff_user)
    browser.get(UPDATE_ADD)
    return browser


def _the_site_s_page_tells_the_size_the_limit_and_that_back_keeps_the_text(response):
    html = response.content.decode()
    assert response.status_code == 400
    assert "Traceback" not in html and "RequestDataTooBig" not in html  # not Django's page
    assert "Le formulaire pesait 3,3\N{NO-BREAK SPACE}Mo" in html
    assert "le site en lit au plus 2,5\N{NO-BREAK SPACE}Mo" in html
    assert "ce que vous avez saisi est toujours dans le formulaire" in html
    assert "The form weighed 3.3 MB: the site reads at most 2.5 MB at once" in html


def test_under_debug_staff_saving_a_text_over_the_limit_read_the_site_s_page(staff_browser):
    response = staff_browser.post(
        UPDATE_ADD,
        {
            "csrfmiddlewaretoken": staff_browser.cookies["csrftoken"].value,
            "subject_fr": "Des nouvelles de Mamat",
            "body_fr": LONG_TEXT,
        },
    )

    _the_site_s_page_tells_the_size_the_limit_and_that_back_keeps_the_text(response)


def test_under_debug_a_form_with_too_many_fields_gets_the_site_s_page(staff_browser):
    fields = {f"field{number}": "x" for number in range(1_001)}
    fields["csrfmiddlewaretoken"] = staff_browser.cookies["csrftoken"].value

    response = staff_browser.post(UPDATE_ADD, fields)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Traceback" not in html and "TooManyFieldsSent" not in html
    assert "Le site n’a pas pu comprendre cette demande" in html


def test_under_debug_another_suspicious_request_keeps_django_s_technical_page(make_run, client):
    # What DEBUG is for: a Host the site does not serve says which, and where it was refused.
    response = client.get("/", headers={"host": "elsewhere.example"})

    assert response.status_code == 400
    assert "DisallowedHost" in response.content.decode()


def test_in_production_a_form_over_the_limit_gets_the_site_s_page_as_before(
    settings, verified_staff_user
):
    settings.DEBUG = False
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, verified_staff_user)
    browser.get(UPDATE_ADD)

    response = browser.post(
        UPDATE_ADD,
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, "body_fr": LONG_TEXT},
    )

    _the_site_s_page_tells_the_size_the_limit_and_that_back_keeps_the_text(response)
