from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache

from campaign import selectors
from campaign.models import Page
from core.public_cache import cache_public_page

# How long crawlers are asked to wait before asking `/` again while it has no case page.
HOME_MISSING_RETRY_AFTER_SECONDS = 3600


@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    page = selectors.page_home()
    if page is None:
        # Staff are between case pages, or have not published the first: a page that says so,
        # rather than "not found" at the site's own address (or Django's technical page under
        # DEBUG), which crawlers are told to come back to.
        response = render(request, "campaign/home_missing.html", status=503)
        response["Retry-After"] = str(HOME_MISSING_RETRY_AFTER_SECONDS)
        return response
    return page_render(request, page)


@cache_public_page
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = selectors.page_published_by_slug(slug=slug)
    if page is None:
        raise Http404("No published page at this address.")
    return page_render(request, page)


@never_cache
@staff_member_required
def page_preview(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("campaign.view_page"):
        raise PermissionDenied
    page = selectors.page_for_preview(pk=pk)
    if page is None:
        raise Http404("No such page.")
    return page_render(request, page, is_preview=True)


def page_render(
    request: HttpRequest,
    page: Page,
    *,
    is_preview: bool = False,
    preview_problem: str = "",
    preview_image_url: str = "",
) -> HttpResponse:
    """Render a page as the public sees it (used by the admin's preview of unsaved changes).

    `preview_problem` says why a preview shows the saved page rather than the changes;
    `preview_image_url` shows an image uploaded with them, which is not stored yet.
    """
    response = render(
        request,
        "campaign/page.html",
        {
            "page": page,
            "calls_to_action": selectors.page_calls_to_action(page),
            "is_preview": is_preview,
            "preview_problem": preview_problem,
            "preview_image_url": preview_image_url,
            "is_home": page.kind == Page.Kind.CASE and not is_preview,
        },
    )
    if is_preview:
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Set on a request answered with a 404: campaign.context_processors then links each other
# language to its home page, since the lost address is nowhere in any language.
NOT_FOUND_MARK = "campaign_page_not_found"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page, its language links leading home rather than back to the lost page."""
    setattr(request, NOT_FOUND_MARK, True)
    return defaults.page_not_found(request, exception)
