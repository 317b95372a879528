"""The page behind the stop link of every email to signers who asked for news."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from petitions.news import signer_news_stop
from petitions.signature_links import (
    SignatureGone,
    SignatureLinkInvalid,
    signature_for_news_stop,
)


@csrf_exempt  # RFC 8058: the mail client's one-click POST has no CSRF token; the link is the proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def news_stop(request: HttpRequest, token: str) -> HttpResponse:
    """Ask on a GET (a scanner changes nothing); stop all news on a POST."""
    try:
        if request.method == "POST":
            signature = signer_news_stop(token=token)
        else:
            signature = signature_for_news_stop(token=token)
    except SignatureGone:
        # Withdrawn since: its address for news went with it, so the news has stopped already.
        response = render(request, "petitions/news_stop.html", {"is_gone": True})
    except SignatureLinkInvalid:
        response = render(request, "petitions/news_stop.html", {"invalid": True}, status=400)
    else:
        with translation.override(signature.language or "fr"):
            response = render(
                request,
                "petitions/news_stop.html",
                # Stopped now, or already (the link opened again from the email).
                {"done": not signature.newsletter_opt_in, "petition": signature.petition},
            )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
