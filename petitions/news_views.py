"""The page behind the stop link of every email to signers who asked for news."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.language_prefix import language_chosen
from core.served_languages import language_is_served
from petitions.news import signer_news_stop
from petitions.signature_links import (
    SignatureGone,
    SignatureLinkInvalid,
    signature_for_news_stop,
)


def _page_language(request: HttpRequest, signer_language: str = "") -> str:
    """Return the language to answer in: the one chosen on the page, the signer's, the browser's.

    The link carries no language prefix, so Django's LocaleMiddleware gives this page French,
    as it gives every address at the root; a cut link, or a signature gone, says nothing of
    its signer's language: the browser's Accept-Language is the best guess left. A signer's
    language the site no longer serves (Uyghur switched off) is not one to answer in.
    """
    if chosen := language_chosen(request):
        return chosen
    if language_is_served(signer_language):
        return signer_language
    return translation.get_language_from_request(request)


def _stop_page(request: HttpRequest, language: str, context: dict, status: int = 200):
    with translation.override(language):
        return render(request, "petitions/news_stop.html", context, status=status)


@csrf_exempt  # RFC 8058: the mail client's one-click POST has no CSRF token; the link is the proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def news_stop(request: HttpRequest, token: str) -> HttpResponse:
    """Ask on a GET (a scanner changes nothing); stop all news on a POST.

    In the signer's language, or in the one the visitor chooses on the page (`?lang=`); for
    a link that names no signer, in the browser's.
    """
    try:
        if request.method == "POST":
            signature = signer_news_stop(token=token)
        else:
            signature = signature_for_news_stop(token=token)
    except SignatureGone:
        # Withdrawn since: its address for news went with it, so the news has stopped already.
        response = _stop_page(request, _page_language(request), {"is_gone": True})
    except SignatureLinkInvalid:
        response = _stop_page(request, _page_language(request), {"invalid": True}, status=400)
    else:
        response = _stop_page(
            request,
            _page_language(request, signature.language),
            # Stopped now, or already (the link opened again from the email).
            {"done": not signature.newsletter_opt_in, "petition": signature.petition},
        )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
