"""One definition of the rich text staff may write, used by the editor, on save and on render."""

import functools
import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin

import nh3
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from core.site_links import site_link_in_language

RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
}

_ALLOWED = allowlist_from_extensions(expand_extensions(RICH_TEXT_EXTENSIONS))
_cleaner = nh3.Cleaner(**_ALLOWED)


def rich_text_sanitize(html: str) -> str:
    """Return staff-written HTML with nothing but the tags the editor offers."""
    return _cleaner.clean(html or "")


def rich_text_render(html: str) -> SafeString:
    """Sanitize again at render time, so that HTML written around the admin is safe too."""
    return mark_safe(rich_text_sanitize(html))  # noqa: S308 - sanitized by nh3 just above


def rich_text_render_for_reader(html: str, *, written_in: str, language: str) -> SafeString:
    """Render rich text written for `written_in` readers, its links to the site leading to the
    same pages in `language`, the reader's (core/site_links.py): a page left in English must
    not send a Uyghur reader on to the English site."""
    if written_in == language:
        return rich_text_render(html)
    cleaner = _links_in_language_cleaner(written_in, language)
    return mark_safe(cleaner.clean(html or ""))  # noqa: S308 - sanitized by nh3 just above


@functools.lru_cache(maxsize=16)
def _links_in_language_cleaner(written_in: str, language: str) -> nh3.Cleaner:
    """Return the cleaner that leads links from `written_in`'s pages to `language`'s."""
    return _links_rewriting_cleaner(
        lambda href: site_link_in_language(href, written_in=written_in, language=language)
    )


def _links_rewriting_cleaner(rewrite: Callable[[str], str]) -> nh3.Cleaner:
    """Return a cleaner that sanitizes as `rich_text_sanitize` does and rewrites each link."""

    def links_rewritten(tag: str, attribute: str, value: str) -> str:
        return rewrite(value) if (tag, attribute) == ("a", "href") else value

    return nh3.Cleaner(**_ALLOWED, attribute_filter=links_rewritten)


def rich_text_links_absolute(html: str, *, site_url: str) -> str:
    """Return staff's rich text, sanitized, its links to the site's paths made full addresses.

    Staff link the site's pages by their path ("/petition/…"), as its pages do; an email has
    no page to read a path against, so there it must name `site_url`.
    """
    return _links_absolute_cleaner(site_url).clean(html or "")


@functools.lru_cache(maxsize=4)
def _links_absolute_cleaner(site_url: str) -> nh3.Cleaner:
    """Return the cleaner that makes links full addresses of `site_url`, made once per site."""

    def absolute(href: str) -> str:
        if href.startswith("/") and not href.startswith("//"):
            return site_url.rstrip("/") + href
        return urljoin(site_url.rstrip("/") + "/", href)

    return _links_rewriting_cleaner(absolute)


def rich_text_as_plain_text(html: str) -> str:
    """Return staff's rich text as an email's plain-text part: as readable, nothing lost.

    Paragraphs and headings are separated by a blank line, list items start with "- " or
    their number (an item's further paragraphs indented under its first), a quotation with
    "> ", and a link keeps its address after its words, apart from the word that follows.
    Entities are read back ("&amp;" is "&"): nothing here is HTML any more. No-break spaces
    stay no-break spaces, so "Mamat !" is never cut before its "!".
    """
    reader = _PlainTextReader()
    reader.feed(rich_text_sanitize(html))
    reader.close()
    return reader.text()


# The spaces HTML folds into one; not the no-break spaces French puts before "!" or after "«".
_HTML_SPACES = " \t\n\r\f"
_HTML_SPACE_RUN = re.compile(f"[{_HTML_SPACES}]+")


class _PlainTextReader(HTMLParser):
    BLOCKS = {"p", "h2", "h3"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is a list item)
        self.words: list[str] = []
        self.marker = ""  # the list item's "- " or "2. ", until its text is written
        self.lists: list[str] = []  # the open lists' tags, "ul" or "ol", outermost first
        self.items: list[int] = []  # how many items each open list has had so far
        self.item_indents: list[int] = []  # the open items' markers' widths, outermost first
        self.quotes = 0
        self.link: str | None = None
        self.link_words: list[str] = []
        # A link's address just written: the word glued to the link in HTML must not be
        # glued to the address's ")".
        self.address_written = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            if not self.marker:  # a list item's first paragraph is written after its marker
                self._block_end()
        elif tag in ("ul", "ol"):
            self._block_end()
            self.lists.append(tag)
            self.items.append(0)
        elif tag == "li" and self.lists:
            self._block_end()
            self.items[-1] += 1
            number = f"{self.items[-1]}. " if self.lists[-1] == "ol" else "- "
            self.marker = "  " * (len(self.lists) - 1) + number
            self.item_indents.append(len(self.marker))
        elif tag == "blockquote":
            self._block_end()
            self.quotes += 1
        elif tag == "br":
            self.words.append("\n")
            self.address_written = False
        elif tag == "a":
            self.link = dict(attrs).get("href") or ""
            self.link_words = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS:
            self._block_end()
        elif tag == "li":
            self._block_end()
            if self.item_indents:
                self.item_indents.pop()
        elif tag in ("ul", "ol") and self.lists:
            self._block_end()
            self.lists.pop()
            self.items.pop()
        elif tag == "blockquote":
            self._block_end()
            self.quotes = max(0, self.quotes - 1)
        elif tag == "a" and self.link is not None:
            words = "".join(self.link_words).strip(_HTML_SPACES)
            address = self.link.removeprefix("mailto:")
            if address and not _is_the_address(words, address):
                self.words.append(f" ({address})")
                self.address_written = True
            self.link = None

    def handle_data(self, data: str) -> None:
        words = _HTML_SPACE_RUN.sub(" ", data)
        if self.address_written and words and (words[0].isalnum() or words[0] in "(«“["):
            words = " " + words
        if words:
            self.address_written = False
        self.words.append(words)
        if self.link is not None:
            self.link_words.append(words)

    def _block_end(self) -> None:
        lines = "".join(self.words).split("\n")
        text = "\n".join(line.strip(_HTML_SPACES) for line in lines).strip(_HTML_SPACES)
        if text.strip():  # a paragraph of nothing but no-break spaces is an empty one
            in_list = bool(self.marker)
            # An item's further paragraphs line up under its first one's words.
            indent = len(self.marker) if self.marker else sum(self.item_indents[-1:])
            text = self.marker + text.replace("\n", "\n" + " " * indent)
            if not self.marker and indent:
                text = " " * indent + text
            if self.quotes:
                text = "\n".join("> " * self.quotes + line for line in text.split("\n"))
            self.blocks.append((text, in_list))
        self.words = []
        self.marker = ""
        self.address_written = False

    def text(self) -> str:
        self._block_end()
        parts: list[str] = []
        for index, (text, in_list) in enumerate(self.blocks):
            if index:
                parts.append("\n" if in_list and self.blocks[index - 1][1] else "\n\n")
            parts.append(text)
        return "".join(parts)


def _is_the_address(words: str, address: str) -> bool:
    """Tell whether a link's words are its address already, give or take a final "/"."""
    return words.rstrip("/") == address.rstrip("/")
