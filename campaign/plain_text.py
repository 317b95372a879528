"""Staff's plain text (a petition's text and demand) as HTML: paragraphs, line breaks and lists.

The same text goes to the authorities in the delivery letter as it was typed; on the site, a run
of lines that each start with "- " or "• " reads as the list it is meant to be.
"""

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
LIST_ITEM = re.compile(r"^\s*[-•]\s+(?P<item>.*\S)\s*$")
LINE_BREAK = mark_safe("<br>")
BLOCK_BREAK = mark_safe("\n")


def plain_text_render(text: str) -> SafeString:
    """Return `text` escaped, as `<p>` paragraphs with `<br>`, each run of list lines a `<ul>`."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks: list[SafeString] = []
    for paragraph in PARAGRAPH_BREAK.split(text):
        blocks.extend(_paragraph_blocks(paragraph.split("\n")))
    return format_html_join(BLOCK_BREAK, "{}", ((block,) for block in blocks))


def _paragraph_blocks(lines: list[str]) -> list[SafeString]:
    blocks: list[SafeString] = []
    prose: list[str] = []
    items: list[str] = []
    for line in lines:
        item = LIST_ITEM.match(line)
        if item:
            if prose:
                blocks.append(_paragraph(prose))
                prose = []
            items.append(item["item"])
        else:
            if items:
                blocks.append(_list(items))
                items = []
            if line.strip():
                prose.append(line.strip())
    if prose:
        blocks.append(_paragraph(prose))
    if items:
        blocks.append(_list(items))
    return blocks


def _paragraph(lines: list[str]) -> SafeString:
    return format_html("<p>{}</p>", format_html_join(LINE_BREAK, "{}", ((line,) for line in lines)))


def _list(items: list[str]) -> SafeString:
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items))
    )
