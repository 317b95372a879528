"""A reader whose request the site failed gets its 500 page in their language, or in both."""

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from core.server_error import server_error

FAILS = "tests.core.failing_urls"


def _failed_page(path: str):
    # As production answers: the view's exception becomes handler500's page, not a traceback.
    return Client(raise_request_exception=False).get(path)


@pytest.mark.urls(FAILS)
def test_a_reader_of_the_english_site_reads_the_500_page_in_english_alone(db):
    response = _failed_page("/en/fails/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en" dir="ltr">' in html
    assert re.search(r"<title>Error · Free Mamat</title>", html)
    assert "<h1>Something went wrong</h1>" in html
    assert "signing twice with the same address counts once" in html
    assert '<a class="btn btn-primary" href="/en/">Back to Mamat\'s page</a>' in html
    assert "Une erreur est survenue" not in html and "<h2>" not in html


@pytest.mark.urls(FAILS)
def test_a_reader_of_the_french_site_reads_the_500_page_in_french_alone(db):
    response = _failed_page("/fails/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr" dir="ltr">' in html
    assert "<title>Erreur · Libérez Mamat</title>" in html
    assert "<h1>Une erreur est survenue</h1>" in html
    assert "Réessayez dans quelques instants\N{NO-BREAK SPACE}:" in html
    assert '<a class="btn btn-primary" href="/">Retour à la page de Mamat</a>' in html
    assert "Something went wrong" not in html


@pytest.mark.urls(FAILS)
def test_the_500_page_is_drawn_though_a_context_processor_fails_too(db, settings):
    # The reason the page failed may be what every page's context reads (the menu, the
    # delivery alerts): the 500 page runs none of it.
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "context_processors": [
                    *settings.TEMPLATES[0]["OPTIONS"]["context_processors"],
                    "tests.core.test_server_error.context_processor_that_fails",
                ],
            },
        }
    ]

    response = _failed_page("/en/fails/")

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def context_processor_that_fails(request):
    raise RuntimeError("the menu could not be read")


def test_a_request_that_failed_before_its_language_was_chosen_gets_french_then_english(
    django_db_blocker,
):
    # No LANGUAGE_CODE on the request: the locale middleware never ran. The thread's language
    # is the previous request's, English here, which says nothing of this reader.
    request = RequestFactory().get("/en/")

    with django_db_blocker.block(), translation.override("en"):  # the database is down
        response = server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="fr" dir="ltr">' in html
    assert "<title>Erreur · Libérez Mamat</title>" in html
    french = html.index("<h1>Une erreur est survenue</h1>")
    english = html.index('<div lang="en">')
    assert french < english < html.index("<h2>Something went wrong</h2>")
    assert '<a class="btn btn-primary" href="/">Retour à la page de Mamat</a>' in html
    assert '<a class="btn btn-outline-primary" href="/en/">Back to Mamat\'s page</a>' in html


def test_a_language_the_site_does_not_speak_whole_gets_french_then_english(settings, monkeypatch):
    # Uyghur switched on before its interface is translated whole (as today): a page half in
    # English under lang="ug" would read worse than the two languages the site speaks whole.
    settings.LANGUAGES = [*settings.LANGUAGES, ("ug", "Uyghur")]
    monkeypatch.setattr("core.server_error.interface_translated", lambda language: language != "ug")
    request = RequestFactory().get("/ug/")
    request.LANGUAGE_CODE = "ug"

    html = server_error(request).content.decode()

    assert '<html lang="fr" dir="ltr">' in html
    assert "<h1>Une erreur est survenue</h1>" in html and "<h2>Something went wrong</h2>" in html
