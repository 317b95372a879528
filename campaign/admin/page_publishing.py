"""The list of pages' actions that publish and unpublish: `/` always shows one case page."""

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaign import home_page, services
from campaign.models import Page

# The actions that publish pages from the list, named where staff are sent to choose them.
PUBLISH = _("Publish the selected pages")
PUBLISH_IN_PLACE = _("Publish at the site's address (/), in place of the case page there")


def page_title_quoted(page: Page) -> str:
    """Return the page's title between the quotation marks of the staff member's language."""
    return _("“%(title)s”") % {"title": page}


@admin.action(description=PUBLISH, permissions=["change"])
def publish(model_admin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    incomplete = services.legal_notices_incomplete(queryset)
    waiting = home_page.case_pages_waiting(queryset)
    try:
        count = services.pages_publish(pages=queryset)
    except home_page.HomePageTaken as refused:
        model_admin.message_user(
            request,
            _(
                "In the same moment, %(page)s was published at the site's address (/), "
                "where one case page is shown at a time: none of the selected pages was "
                "published. Choose “%(action)s” again to publish them, the case pages "
                "excepted."
            )
            % {"page": page_title_quoted(refused.home), "action": PUBLISH},
            messages.ERROR,
        )
        return
    if incomplete:
        model_admin.message_user(
            request,
            _(
                "The legal notice stays a draft until the campaign's publisher, director of "
                "publication and host are filled in."
            ),
            messages.WARNING,
        )
    if waiting:
        model_admin.message_user(
            request,
            _(
                "Only one case page is published at a time, the one shown at the site's "
                "address (/), so these stay drafts: %(pages)s. To show one of them there, "
                "select it alone and choose “%(action)s”."
            )
            % {
                "pages": ", ".join(page_title_quoted(page) for page in waiting),
                "action": PUBLISH_IN_PLACE,
            },
            messages.WARNING,
        )
    model_admin.message_user(
        request,
        ngettext("%(count)s page published.", "%(count)s pages published.", count)
        % {"count": intcomma(count)},
        messages.SUCCESS,
    )


@admin.action(description=PUBLISH_IN_PLACE, permissions=["change"])
def publish_in_place(model_admin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    pages = list(queryset[:2])
    if len(pages) != 1 or pages[0].kind != Page.Kind.CASE:
        model_admin.message_user(
            request,
            _("Select one case page, the one to show at the site's address (/)."),
            messages.ERROR,
        )
        return
    page = pages[0]
    try:
        replaced = services.case_page_publish_in_place(page=page)
    except home_page.HomePageTaken as refused:
        model_admin.message_user(
            request,
            _(
                "In the same moment, %(home)s was published at the site's address (/): "
                "nothing changed. To show %(page)s there instead, choose “%(action)s” for "
                "it again."
            )
            % {
                "home": page_title_quoted(refused.home),
                "page": page_title_quoted(page),
                "action": PUBLISH_IN_PLACE,
            },
            messages.ERROR,
        )
        return
    if replaced is None:
        done = _("%(page)s is published at the site's address (/).") % {
            "page": page_title_quoted(page)
        }
    else:
        done = _("%(page)s is published at the site's address (/); %(replaced)s is a draft.") % {
            "page": page_title_quoted(page),
            "replaced": page_title_quoted(replaced),
        }
    model_admin.message_user(request, done, messages.SUCCESS)


@admin.action(description=_("Unpublish the selected pages"), permissions=["change"])
def unpublish(model_admin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    try:
        count = services.pages_unpublish(pages=queryset)
    except home_page.HomePageRequired as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
        return
    model_admin.message_user(
        request,
        ngettext("%(count)s page unpublished.", "%(count)s pages unpublished.", count)
        % {"count": intcomma(count)},
        messages.SUCCESS,
    )
