"""With Uyghur switched on, whatever is not translated yet is English, and marked as such."""

import re
from html.parser import HTMLParser

import pytest
from django.test import override_settings
from django.utils import translation

from campaign.models import Page
from petitions import initial_content
from tests.public_pages import LANGUAGES_WITH_UYGHUR, public_pages

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


@pytest.fixture
def fresh_translations():
    """Django keeps each language's catalogue once built: build them again, and after."""
    from django.utils.translation import trans_real

    trans_real._translations = {}
    yield
    trans_real._translations = {}


def test_until_the_interface_is_translated_django_says_nothing_in_uyghur_either(
    fresh_translations, monkeypatch
):
    # Django's catalogues translate a few of our labels, and its own form errors. (Named, not
    # written in the calls, so that makemessages does not take them for the site's messages.)
    label, django_error = "Email", "This field is required."
    with translation.override("ug"):
        assert translation.gettext(label) == label
        assert translation.gettext(django_error) == django_error

    from django.utils.translation import trans_real

    trans_real._translations = {}
    monkeypatch.setattr("core.english_fallback.interface_translated", lambda language: True)
    with translation.override("ug"):
        assert translation.gettext(django_error) != django_error


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


# Two Latin words in a row: a sentence or a label, not a brand (WhatsApp) or a code.
ENGLISH_WORDS = re.compile(r"[A-Za-z']{2,} [A-Za-z']{2,}")


class _UnmarkedEnglish(HTMLParser):
    """Collect the English words of a page that sit in no block marked `lang="en"`.

    A right-to-left page moves the full stop of an unmarked English sentence to its start
    ("Every day … rewritten." reads ".Every day … rewritten"), and a screen reader speaks it
    with the page's language.
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    SKIPPED = {"head", "script", "style", "svg"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, str | None]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if any(name == tag for name, _ in self.open):
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        text = " ".join(data.split())
        if any(name in self.SKIPPED for name, _ in self.open) or not ENGLISH_WORDS.search(text):
            return
        language = next((lang for _, lang in reversed(self.open) if lang), None)
        if language != "en":
            self.found.append(text)


def _unmarked_english(html: str) -> list[str]:
    parser = _UnmarkedEnglish()
    parser.feed(html)
    return parser.found


def test_no_english_sentence_on_a_uyghur_page_is_left_unmarked(mamat_campaign):
    initial_content.petition_load_initial()
    uyghur = {page: html for page, html in public_pages().items() if page.startswith("ug ")}

    unmarked = {page: found for page, html in uyghur.items() if (found := _unmarked_english(html))}

    assert unmarked == {}


def test_the_check_finds_english_outside_a_block_marked_english():
    assert _unmarked_english('<p>Check the count</p><p lang="en">Our demand</p>') == [
        "Check the count"
    ]
    assert _unmarked_english('<div lang="en"><p>Check <br>the count</p></div>') == []
    assert _unmarked_english("<p>مامەت</p><p>WhatsApp</p>") == []
