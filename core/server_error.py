"""The answer to a request the site failed (500): in the language the request chose, if it did.

Django calls handler500 when anything failed, the database or a context processor included. So
the page is drawn without the request, as Django's own server_error draws it: no context
processor runs, and nothing reads the database, the session or the Host. Only the language is
taken from the request, where the locale middleware set it (`request.LANGUAGE_CODE`): a request
that failed before that middleware ran says nothing of its reader, and the thread's active
language may still be the previous request's, so that page speaks French, then English, as
the 400 page does. A language whose interface is not translated whole (Uyghur, until it is)
gets the two as well rather than a page half in English.
"""

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.utils import translation

from core.english_fallback import interface_translated
from core.served_languages import language_is_served


def _request_language(request: HttpRequest) -> str | None:
    """Return the language the locale middleware chose for this request, if it ran and the
    site speaks that language whole; None otherwise."""
    language = getattr(request, "LANGUAGE_CODE", None)
    if language_is_served(language) and interface_translated(str(language)):
        return str(language)
    return None


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """Django's handler500: the 500 page in the reader's language, else French and English."""
    template = loader.get_template("500.html")
    language = _request_language(request)
    if language is None:
        # The template says each part in its language (French, then English).
        return HttpResponseServerError(template.render())
    context = {
        "page_language": language,
        "page_direction": "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
    }
    with translation.override(language):
        return HttpResponseServerError(template.render(context))
