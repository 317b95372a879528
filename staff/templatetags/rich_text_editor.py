"""The rich text editor's menu in the staff member's language.

django-prose-editor names its menu's buttons in English only ("bold", "heading 2"), in their
tooltips, in what a screen reader says and in the block-type list. Its other words (the link
form) go through Django's script catalogue. These are its own words for the menu items our
editors offer (campaign/richtext.py), each with ours in the staff member's language;
staff/static/staff/rich_text_editor_labels.js puts them in place as the editor draws its menu.
"""

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()


def _menu_labels() -> dict[str, str]:
    paragraph, heading_2, heading_3 = (
        gettext("Paragraph"),
        gettext("Heading 2"),
        gettext("Heading 3"),
    )
    return {
        "paragraph": paragraph,
        "Paragraph": paragraph,
        "heading 2": heading_2,
        "Heading 2": heading_2,
        "heading 3": heading_3,
        "Heading 3": heading_3,
        "unordered list": gettext("Bulleted list"),
        "ordered list": gettext("Numbered list"),
        "blockquote": gettext("Quotation"),
        "bold": gettext("Bold"),
        "italic": gettext("Italic"),
        "insert link": gettext("Add a link"),
        "remove link": gettext("Remove the link"),
        "undo": gettext("Undo"),
        "redo": gettext("Redo"),
    }


@register.simple_tag
def rich_text_editor_labels() -> SafeString:
    """Return the menu's words, the editor's own to ours, as a JSON script element."""
    return json_script(_menu_labels(), "rich-text-editor-labels")
