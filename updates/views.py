from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from updates.unsubscribe import (
    UnsubscribeLinkInvalid,
    signature_for_unsubscribe,
    signer_unsubscribe,
)


@csrf_exempt  # RFC 8058: the mail client's one-click POST has no CSRF token; the link is the proof
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Ask on a GET (a scanner changes nothing); stop every later update on a POST."""
    try:
        if request.method == "POST":
            signature = signer_unsubscribe(token=token)
        else:
            signature = signature_for_unsubscribe(token=token)
    except UnsubscribeLinkInvalid:
        response = render(request, "updates/unsubscribe.html", {"invalid": True}, status=400)
    else:
        with translation.override(signature.language or "fr"):
            response = render(
                request,
                "updates/unsubscribe.html",
                {"done": request.method == "POST", "petition": signature.petition},
            )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
