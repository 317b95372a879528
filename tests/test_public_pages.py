"""Site-wide checks on every public page, in French, English and Uyghur."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core.public_cache import CSRF_INPUT
from tests.public_pages import PUBLIC_PATHS, public_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(mamat_campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return public_pages()


def test_no_public_page_shows_template_syntax(pages):
    leaks = {
        name: marker
        for name, html in pages.items()
        for marker in ("{#", "{%", "{{", "#}", "%}", "}}")
        if marker in html
    }

    assert leaks == {}


def test_no_template_comment_spans_two_lines():
    """Django prints a `{# #}` comment that runs over a line break (staff and email templates
    too, which the rendered check above does not visit)."""
    templates = Path(settings.BASE_DIR).glob("**/templates/**/*.*")
    spanning = [
        str(template)
        for template in templates
        if ".venv" not in template.parts and "node_modules" not in template.parts
        if re.search(r"\{#(?:(?!#\}).)*\n", template.read_text(), flags=re.DOTALL)
    ]

    assert spanning == []


def test_every_public_page_has_a_meta_description(pages):
    described = {
        name: re.search(r'<meta name="description" content="([^"]{20,})">', html) is not None
        for name, html in pages.items()
    }

    assert [name for name, has_one in described.items() if not has_one] == []


def test_addresses_codes_and_keys_read_left_to_right_on_every_page(pages):
    """On a right-to-left page "2024@mail.com" shows as "mail.com@2024", and a key's closing
    "=" moves to its start: every address, link, key, hash and command is marked left to right."""
    always_ltr = re.compile(
        r'<(?:code|pre)\b[^>]*>|<input\b[^>]*(?:type="email"|id="share-url")[^>]*>'
    )
    unmarked = {
        f"{name}: {tag}"
        for name, html in pages.items()
        for tag in always_ltr.findall(html)
        if 'dir="ltr"' not in tag
    }

    assert unmarked == set()


def test_every_public_page_answers_a_request_for_its_headers_alone(client, mamat_campaign):
    # Uptime monitors and link checkers, and some apps drawing a shared link's preview, ask
    # HEAD first: a 405 reads to them as a page that is down.
    expected = {
        **dict.fromkeys(PUBLIC_PATHS, 200),
        "/petition/liberez-mamat/count.json": 200,
        "/petition/liberez-mamat/ledger.json": 200,
        "/robots.txt": 200,
        "/sitemap.xml": 200,
        "/manifest.webmanifest": 200,
        # Sent on to the hashed static files.
        "/favicon.ico": 301,
        "/apple-touch-icon.png": 301,
    }

    answers = {path: client.head(path) for path in expected}

    assert {path: answer.status_code for path, answer in answers.items()} == expected
    assert all(answer.content == b"" for answer in answers.values())


def test_no_kept_page_reads_a_query_it_is_served_without(client, mamat_campaign):
    # core/public_cache.py serves every query the kept page, filling in the share code alone:
    # each view, drawn afresh, must then draw the same page whatever else the query says.
    assert settings.PUBLIC_PAGE_CACHE_SECONDS == 0  # every page below is drawn afresh
    paths = [
        *PUBLIC_PATHS,
        "/petition/liberez-mamat/count.json",
        "/petition/liberez-mamat/ledger.json",
    ]

    def drawn(url: str) -> bytes:
        return CSRF_INPUT.sub(b"", client.get(url).content)

    differing = [path for path in paths if drawn(path) != drawn(f"{path}?s=20&page=2&lang=en")]

    assert differing == []
