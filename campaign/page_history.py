"""A page's history: what a save did to its draft, stored as data and worded as it is read.

Django's admin stores its own history entries as JSON and words them in the reader's language
(LogEntry.get_change_message); the entries about a page's draft do the same, in the same shape
(`[{"draft_saved": {"fields": ["title_fr"]}}]`, the fields by column name), so that what a
French editor saved reads in English to an English one. Entries written before, as text in
their writer's language, are shown as they were written.
"""

import enum
import json

from django.contrib.admin.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from campaign.models import Page


class DraftEvent(enum.StrEnum):
    SAVED = "draft_saved"
    DISCARDED = "draft_discarded"
    PUBLISHED = "draft_published"


def page_change_message(*, event: DraftEvent, columns: list[str]) -> str:
    """Return the history entry to store for `event`, which changed `columns` of the page."""
    return json.dumps([{str(event): {"fields": columns}}])


def _column_label(column: str) -> str:
    """The column's label on the page's form, in the active language (a column since dropped:
    its name)."""
    try:
        field = Page._meta.get_field(column)
    except FieldDoesNotExist:
        return column
    return str(capfirst(field.verbose_name)) if isinstance(field, models.Field) else column


def page_change_message_text(entry: LogEntry) -> str:
    """Word an entry of a page's history in the active language."""
    try:
        (sub_message,) = json.loads(entry.change_message)
        ((name, details),) = sub_message.items()
        event, columns = DraftEvent(name), list(details["fields"])
    except (ValueError, TypeError, AttributeError, KeyError):
        # Django's own entries, and ours written as text before.
        return _django_entry_text(entry)
    fields = ", ".join(_column_label(column) for column in columns) or "—"
    if event is DraftEvent.SAVED:
        return gettext("Saved a draft, not public: %(fields)s.") % {"fields": fields}
    if event is DraftEvent.PUBLISHED:
        return gettext("Published the draft: %(fields)s.") % {"fields": fields}
    return gettext("Discarded the draft; the published page is unchanged.")


def _columns_by_stored_label() -> dict[str, str]:
    """Each column by the label Django's history stores for it: the form's, in English."""
    with translation.override(None):
        return {
            _column_label(field.name): field.name
            for field in Page._meta.get_fields()
            if isinstance(field, models.Field)
        }


def _django_entry_text(entry: LogEntry) -> str:
    """Word Django's own entry with the page's fields labelled in the active language.

    Django stores the labels in English and translates them as msgids when read, which a
    translated field's label ("Title [fr]") never is: a French reader read English labels.
    """
    try:
        sub_messages = json.loads(entry.change_message)
    except (ValueError, TypeError):
        return entry.get_change_message()
    if not isinstance(sub_messages, list):
        return entry.get_change_message()
    columns = _columns_by_stored_label()
    for sub_message in sub_messages:
        changed = sub_message.get("changed") if isinstance(sub_message, dict) else None
        # A change "for" an inline's object names that object's fields, not the page's.
        if isinstance(changed, dict) and "name" not in changed:
            changed["fields"] = [
                _column_label(columns[label]) if label in columns else label
                for label in changed.get("fields", [])
            ]
    return LogEntry(change_message=json.dumps(sub_messages)).get_change_message()
