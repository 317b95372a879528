"""A form too large is answered with the site's own 400 page, under `make run`'s DEBUG too."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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


def _staff_browser_where(settings, verified_staff_user, *, debug: bool) -> Client:
    """Staff's browser on the update form, under `make run`'s DEBUG or as in production."""
    settings.DEBUG = debug
    browser = Client(enforce_csrf_checks=True)
    login_verified(browser, verified_staff_user)
    browser.get(UPDATE_ADD)
    return browser


def _the_generic_wording_is_not_what_they_read(html):
    assert "Traceback" not in html and "TooMany" not in html  # not Django's page
    assert "Le site n’a pas pu comprendre cette demande" not in html
    assert "could not understand this request" not in html


@pytest.mark.parametrize("debug", [True, False], ids=["make run", "production"])
def test_staff_ticking_too_many_rows_read_that_the_form_had_too_many_fields(
    settings, verified_staff_user, debug
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50
    browser = _staff_browser_where(settings, verified_staff_user, debug=debug)
    fields = {f"field{number}": "x" for number in range(60)}
    fields["csrfmiddlewaretoken"] = browser.cookies["csrftoken"].value

    response = browser.post(UPDATE_ADD, fields)

    html = response.content.decode()
    assert response.status_code == 400
    _the_generic_wording_is_not_what_they_read(html)
    assert re.search(r"<title>\s*Trop de champs\s", html)
    assert "<h1>Ce que vous avez envoyé a trop de champs</h1>" in html
    assert "Le formulaire a envoyé plus de 50\N{NO-BREAK SPACE}champs" in html
    assert "Rien n’a été enregistré." in html
    assert "<h2>What you sent has too many fields</h2>" in html
    assert "The form sent more than 50 fields, more than the site reads at once." in html
    assert "Send less at once (fewer rows ticked or edited, the rest in another go)" in html


@pytest.mark.parametrize("debug", [True, False], ids=["make run", "production"])
def test_a_form_with_too_many_files_says_so_and_to_send_fewer(settings, verified_staff_user, debug):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    browser = _staff_browser_where(settings, verified_staff_user, debug=debug)
    files = {
        f"photo{number}": SimpleUploadedFile(f"photo{number}.txt", b"x") for number in range(3)
    }

    response = browser.post(
        UPDATE_ADD, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value, **files}
    )

    html = response.content.decode()
    assert response.status_code == 400
    _the_generic_wording_is_not_what_they_read(html)
    assert "<h1>Ce que vous avez envoyé a trop de fichiers</h1>" in html
    assert "Le formulaire a envoyé plus de 2\N{NO-BREAK SPACE}fichiers" in html
    assert "<h2>What you sent has too many files</h2>" in html
    assert "The form sent more than 2 files, more than the site reads at once." in html
    assert "attach fewer files, and send the others in another go" in html


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
