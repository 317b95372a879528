"""The language a translated field is really shown in, and the marks that say so.

With fallback languages, modeltranslation shows the French (or English) text of a field not
translated into the reader's language. Such text must carry its own `lang` and `dir`, or a
screen reader speaks English with a Uyghur voice and a right-to-left page puts a Latin
sentence's full stop at its start. Which language a value comes from follows modeltranslation's
own rules, read from the field's descriptor (its fallback languages, what counts as empty), on
the values the instance already holds: no query.
"""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language_info
from modeltranslation.fields import NONE, TranslationFieldDescriptor
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

NO_MARK = SafeString("")


def field_language_shown(instance, field: str) -> str | None:
    """Return the language `instance.<field>` is shown in now, or None when it shows nothing."""
    # `__class__`, not type(): the campaign reaches templates as a lazy object.
    descriptor = getattr(instance.__class__, field, None)
    if not isinstance(descriptor, TranslationFieldDescriptor):
        return None
    undefined = descriptor.fallback_undefined
    if undefined is NONE:
        undefined = descriptor.field.get_default()
    for language in resolution_order(get_language(), descriptor.fallback_languages):
        value = getattr(instance, build_localized_fieldname(field, language), None)
        if descriptor.meaningful_value(value, undefined):
            return language
    return None


def content_language_attrs(instance, fields: str) -> SafeString:
    """Return ` lang="…" dir="…"` for a field shown in another language than the reader's.

    `fields` names one field, or several separated by commas where a template shows the first
    that has a value (`menu_title|default:title`): the one shown is marked.
    """
    reader = get_language()
    for field in fields.split(","):
        shown = field_language_shown(instance, field.strip())
        if shown is not None:
            return NO_MARK if shown == reader else language_attrs(shown)
    return NO_MARK


def language_attrs(language: str) -> SafeString:
    """Return ` lang="…" dir="…"` for text in `language`."""
    direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', language, direction)


def content_in_its_language(instance, field: str) -> SafeString:
    """Return a field's text, in a span marking its language where it fell back to another.

    For a title quoted in a sentence (“…”): the span isolates it, so that an English title
    in a right-to-left sentence keeps its words and quotes in order.
    """
    value = getattr(instance, field)
    attrs = content_language_attrs(instance, field)
    return format_html("<span{}>{}</span>", attrs, value) if attrs else format_html("{}", value)
