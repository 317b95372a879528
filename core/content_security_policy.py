"""The Content-Security-Policy header: django-csp's middleware, less its work on a redirect."""

from csp.middleware import CSPMiddleware
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# The answers a browser follows to their Location without drawing anything from them.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def response_is_redirect(response: HttpResponseBase) -> bool:
    return response.status_code in REDIRECT_STATUSES and response.has_header("Location")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """Give every page the site's policy; give a redirect none.

    A policy governs the document drawn from the response that carries it. A browser draws
    nothing from a redirect: it follows the Location, and the page found there carries its own
    policy. So the header on a redirect is never read, yet django-csp builds both policies,
    enforced and report-only, for every response. Every signature is answered by a redirect,
    and that build was about 6 % of a signature's CPU (docs/performance.md).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response_is_redirect(response):
            return response
        return super().process_response(request, response)
