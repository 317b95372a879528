"""With Uyghur switched on, whatever is not translated yet is English, and marked as such."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from campaign.models import Page
from petitions import initial_content
from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = pytest.mark.django_db

ENGLISH = 'lang="en" dir="ltr"'
FRENCH_ON_THE_HOME_PAGE = [
    "Aller au contenu",
    "Je signe",
    "Signer la pétition",
    "Prochain objectif",
]


@pytest.fixture
def uyghur_home(client, mamat_campaign):
    initial_content.petition_load_initial()
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        yield lambda: client.get("/ug/").content.decode()


def test_an_untranslated_interface_message_falls_back_to_english_not_french():
    with translation.override("ug"):
        assert translation.gettext("Skip to content") == "Skip to content"
    with translation.override("fr"):
        assert translation.gettext("Skip to content") == "Aller au contenu"


def test_the_uyghur_page_mixes_no_french_and_marks_its_english_blocks(uyghur_home):
    html = uyghur_home()

    assert '<html lang="ug" dir="rtl">' in html
    assert [french for french in FRENCH_ON_THE_HOME_PAGE if french in html] == []
    assert re.search(rf'<h1 class="page__title"\s*{ENGLISH}>Free Mamat</h1>', html)
    assert re.search(rf'<form class="sign-form"[^>]*{ENGLISH}>', html)
    assert re.search(rf'<a class="skip-link" href="#main"\s*{ENGLISH}>', html)


def test_translated_content_is_not_marked_english(uyghur_home):
    Page.objects.filter(slug="mamat").update(title_ug="مامەتنى قويۇپ بېرىڭ")

    html = uyghur_home()

    assert '<h1 class="page__title">مامەتنى قويۇپ بېرىڭ</h1>' in html


def test_french_and_english_pages_carry_no_fallback_marks(client, mamat_campaign):
    for url in ["/", "/en/"]:
        html = client.get(url).content.decode()
        body = html[html.index("<body") :]
        assert ENGLISH not in body
