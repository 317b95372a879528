"""Text shown in a fallback language says which language it is in.

A page, call to action or petition not translated into the reader's language shows its French
(or English) text: the element holding it carries that language's `lang` and `dir`, so that a
screen reader speaks it with the right voice and a right-to-left page lays it out left to right.
"""

import re

import pytest
from django.test import override_settings
from django.utils import translation
from modeltranslation.utils import fallbacks

from campaign.models import CallToAction, Page
from core.content_language import field_language_shown
from petitions import confirmation_emails, initial_content
from petitions.models import Petition
from tests.factories import SignatureFactory
from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = pytest.mark.django_db

FRENCH = 'lang="fr" dir="ltr"'
ENGLISH = 'lang="en" dir="ltr"'


@pytest.fixture
def uyghur_on(mamat_campaign):
    initial_content.petition_load_initial()
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        yield


def _body_tag(html: str) -> str:
    return re.search(r'<div class="rich-text"[^>]*>', html).group(0)


def test_a_uyghur_reader_of_a_case_page_written_only_in_french_gets_its_body_marked_french(
    client, uyghur_on
):
    Page.objects.filter(slug="mamat").update(title_en="", lead_en="", body_en="")

    html = client.get("/ug/").content.decode()

    assert '<html lang="ug" dir="rtl">' in html
    assert _body_tag(html) == f'<div class="rich-text" {FRENCH}>'
    assert re.search(rf'<h1 class="page__title"\s*{FRENCH}>Libérez Mamat</h1>', html)


def test_a_page_translated_into_uyghur_carries_no_language_of_its_own(client, uyghur_on):
    Page.objects.filter(slug="mamat").update(
        title_ug="مامەتنى قويۇپ بېرىڭ", lead_ug="مامەت", body_ug="<p>مامەت</p>"
    )

    html = client.get("/ug/").content.decode()

    assert _body_tag(html) == '<div class="rich-text">'
    assert '<h1 class="page__title">مامەتنى قويۇپ بېرىڭ</h1>' in html


def test_the_english_page_with_english_text_gets_nothing_extra(client, mamat_campaign):
    html = client.get("/en/").content.decode()

    assert _body_tag(html) == '<div class="rich-text">'
    assert FRENCH not in html[html.index("<body") :]


def test_an_english_reader_of_a_page_left_in_french_gets_it_marked_french(client, mamat_campaign):
    Page.objects.filter(slug="xinjiang").update(body_en="")

    html = client.get("/en/xinjiang/").content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert _body_tag(html) == f'<div class="rich-text" {FRENCH}>'


def test_a_card_s_button_that_fell_back_to_english_sits_in_a_block_marked_english(
    client, uyghur_on
):
    CallToAction.objects.filter(kind="demand_care").update(title_ug="ئۇنى داۋالاڭ")

    html = client.get("/ug/").content.decode()
    card = re.search(r'<section class="[^"]*--demand_care".*?</section>', html, re.S).group(0)

    assert re.search(r'<h3 id="[^"]+">ئۇنى داۋالاڭ</h3>', card)
    assert f'<p class="call-to-action__button" {ENGLISH}><a class="btn btn-primary"' in card


def test_a_menu_link_without_a_menu_title_is_marked_by_the_title_it_shows(client, uyghur_on):
    Page.objects.filter(slug="xinjiang").update(
        menu_title_fr="", menu_title_en="", menu_title_ug="", title_en=""
    )

    html = client.get("/ug/").content.decode()

    link = re.search(r'<a class="site-nav__link"[^>]*href="/ug/xinjiang/"[^>]*>', html).group(0)
    assert FRENCH in link


def test_the_marks_follow_modeltranslation_and_cost_no_query(uyghur_on, django_assert_num_queries):
    page = Page.objects.get(slug="mamat")
    page.title_ug, page.lead_en = "مامەت", ""

    with django_assert_num_queries(0), translation.override("ug"):
        assert field_language_shown(page, "title") == "ug"
        assert field_language_shown(page, "body") == "en"
        assert field_language_shown(page, "lead") == "fr"
        # The language named is the one whose text modeltranslation shows.
        for field in ["title", "body", "lead"]:
            assert getattr(page, f"{field}_{field_language_shown(page, field)}") == getattr(
                page, field
            )
        with fallbacks(False):
            assert field_language_shown(page, "lead") is None


@pytest.mark.usefixtures("_public_page_cache_on")
def test_pages_kept_in_the_public_cache_keep_each_language_s_marks(client, uyghur_on):
    Page.objects.filter(slug="mamat").update(body_en="", body_ug="<p>مامەت</p>")

    for _ in range(2):
        assert _body_tag(client.get("/ug/").content.decode()) == '<div class="rich-text">'
        assert _body_tag(client.get("/en/").content.decode()) == f'<div class="rich-text" {FRENCH}>'
        assert _body_tag(client.get("/").content.decode()) == '<div class="rich-text">'


def test_a_uyghur_signer_s_email_marks_the_petition_title_it_quotes_in_english(
    uyghur_on, mailoutbox
):
    petition = Petition.objects.get(slug="liberez-mamat")
    SignatureFactory(petition=petition, language="ug")

    assert confirmation_emails.confirmations_send() == 1

    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert f"“<span {ENGLISH}>{petition.title_en}</span>”" in html
