"""What a visitor sees when a form fails Django's CSRF check (settings.CSRF_FAILURE_VIEW).

Django's own page is technical text on a blank page, and what was typed is lost. Visitors meet it
when their browser sent back no cookie from this site: cookies blocked or cleared, a page left
open for days, an app's built-in browser. A view marked with `when_form_expired` answers in its
own way (the sign form comes back with what was typed); any other public form gets the site's
page, in the visitor's language, saying that nothing was done and how to try again. Staff pages
keep Django's page, which names the failed check.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views import csrf

FormExpiredAnswer = Callable[..., HttpResponse]


def when_form_expired(answer: FormExpiredAnswer) -> Callable:
    """Mark a view: when a POST to it fails the CSRF check, `answer` replies instead.

    `answer` takes the request and the view's URL arguments, as the view does.
    """

    def mark(view: Callable) -> Callable:
        view.form_expired_answer = answer  # type: ignore[attr-defined]
        return view

    return mark


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return render(request, "form_expired.html", {"retry_url": ""}, status=403)
    if match.app_name == "admin":
        return csrf.csrf_failure(request, reason)
    answer = getattr(match.func, "form_expired_answer", None)
    if answer is not None:
        return answer(request, *match.args, **match.kwargs)
    return render(request, "form_expired.html", {"retry_url": request.get_full_path()}, status=403)
