"""The answer to a request Django refuses as bad (400), in French and in English.

Django refuses a form too large to read, a Host the site does not serve, or anything else it
finds suspicious before any view runs, sometimes before the session or the language are set
(the first middleware asking for the Host refuses it). So the page is drawn with no request, as
the 500 page is: no context processor runs, nothing reads the database, the session or the
Host, and it speaks both languages. Staff who saved a text too
long for the site to read are told so, how large it was and how large it may be.
"""

import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBadRequest
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
    return HttpResponseBadRequest(loader.get_template("400.html").render(context))
