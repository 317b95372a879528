"""A published page's working copy: changes saved as a draft while the public keeps the page.

The working copy holds the page's texts (every translated text column) as staff saved them;
the admin's form and the staff preview show it; saving the form publishes it into the page
(campaign.admin) and forgets it. Images, the page's settings and its calls to action are not in
it: they change when saved, and the admin refuses a draft that changes them.
"""

from django.conf import settings
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from campaign.models import Page


def page_draft_columns() -> list[str]:
    """Return the columns a working copy holds: each translated text in each prepared language.

    Every text of the page is translated (campaign/translation.py), and every one is a draft's.
    """
    return [
        build_localized_fieldname(field, language)
        for field in translator.get_options_for_model(Page).get_field_names()
        for language in settings.MODELTRANSLATION_LANGUAGES
    ]


def page_draft_save(*, page: Page, values: dict) -> None:
    """Keep `values` (of the draft's columns) as the page's working copy; the public sees none."""
    columns = page_draft_columns()
    copy = {column: values[column] for column in columns if column in values}
    Page.objects.filter(pk=page.pk).update(working_copy=copy)
    page.working_copy = copy


def page_draft_apply(page: Page) -> Page:
    """Put the page's working copy into `page`, in memory only (to edit or preview it)."""
    for column, value in (page.working_copy or {}).items():
        setattr(page, column, value)
    return page


def page_draft_discard(*, page: Page) -> None:
    Page.objects.filter(pk=page.pk).update(working_copy=None)
    page.working_copy = None
