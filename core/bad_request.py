"""The answer to a request Django refuses as bad (400), in French and in English.

Django refuses a form too large to read, a Host the site does not serve, or anything else it
finds suspicious before any view runs, sometimes before the session or the language are set
(the first middleware asking for the Host refuses it). So the page is drawn with no request, as
the 500 page is: no context processor runs, nothing reads the database, the session or the
Host, and it speaks both languages. Staff who saved a text too long for the site to read are
told so, how large it was and how large it may be; a form with more fields or files than the
site reads at once is named as such, with the limit. Each says that nothing was saved and how
to send it again, under `make run`'s DEBUG too (FormTooLargeUnderDebugMiddleware).
"""

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    MiddlewareNotUsed,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template import loader

MEGABYTE = 1024 * 1024


def _megabytes_sent(request: HttpRequest) -> float | None:
    """Return the refused form's size in MB, rounded up (never shown as the limit it is over);
    None if the browser did not say."""
    try:
        sent = int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return math.ceil(sent * 10 / MEGABYTE) / 10 or None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """Django's handler400: say what was refused only where it is the visitor's to fix."""
    context: dict[str, object] = {}
    if isinstance(exception, RequestDataTooBig):
        context = {
            "form_too_large": True,
            "megabytes_sent": _megabytes_sent(request),
            "megabytes_allowed": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MEGABYTE,
        }
    elif isinstance(exception, TooManyFieldsSent):
        # Staff ticking more rows than the site reads in one go, or a formset grown too long:
        # theirs to fix by sending less at once, not a request to start again from scratch.
        context = {
            "too_many_fields": True,
            "fields_allowed": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        }
    elif isinstance(exception, TooManyFilesSent):
        context = {"too_many_files": True, "files_allowed": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return HttpResponseBadRequest(loader.get_template("400.html").render(context))


# What Django refuses as more of a form than it reads: its size, its fields, its files.
FORM_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class FormTooLargeUnderDebugMiddleware:
    """Under DEBUG, answer a form too large with the site's 400 page, as production does.

    Under DEBUG Django answers every SuspiciousOperation with its technical page and never
    calls handler400 (django/core/handlers/exception.py). A form over the limit is no
    programming error but staff pasting a long text under `make run`: they must read what
    production tells them, the size sent, the limit, and that Back keeps what they typed. Any
    other suspicious request keeps Django's technical page, which is what DEBUG is for.
    Outside DEBUG this middleware takes itself out: handler400 answers, and django.security
    logs the refusal.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        # CsrfViewMiddleware, next, reads the form of every POST to a view it guards, and what
        # it raises there reaches no handler but Django's: read that form first, as it would
        # (Django keeps what it read for the view). Every view of the site that reads a form is
        # guarded; a csrf_exempt one (a signature link, anymail's webhooks) may read its body
        # raw, so its request is left to it.
        if request.method != "POST" or getattr(view_func, "csrf_exempt", False):
            return None
        try:
            # Parsing is what raises; the form read is kept for CSRF and the view.
            request.POST  # noqa: B018
        except FORM_TOO_LARGE as refusal:
            return bad_request(request, refusal)
        return None
