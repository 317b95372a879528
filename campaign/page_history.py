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
        return entry.get_change_message()
    fields = ", ".join(_column_label(column) for column in columns) or "—"
    if event is DraftEvent.SAVED:
        return gettext("Saved a draft, not public: %(fields)s.") % {"fields": fields}
    if event is DraftEvent.PUBLISHED:
        return gettext("Published the draft: %(fields)s.") % {"fields": fields}
    return gettext("Discarded the draft; the published page is unchanged.")
