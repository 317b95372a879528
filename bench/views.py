"""The ceiling: the fastest page this stack can serve, for comparison with the real ones."""

from functools import lru_cache

from django.http import HttpRequest, HttpResponse

# Bigger than any page of the site; a typo in a size must not allocate gigabytes.
CEILING_MAX_BYTES = 2_000_000
CEILING_DEFAULT_BYTES = 20_000


@lru_cache(maxsize=8)
def ceiling_page(size: int) -> bytes:
    """Return a static HTML page of exactly `size` bytes."""
    head = b"<!doctype html><html lang=fr><head><title>ceiling</title></head><body><p>"
    tail = b"</p></body></html>\n"
    page = head + b"x" * max(size - len(head) - len(tail), 0) + tail
    return page[:size]


def ceiling(request: HttpRequest) -> HttpResponse:
    """Serve a page of the asked size with no query, template or session: only the middleware."""
    try:
        size = int(request.GET.get("bytes", CEILING_DEFAULT_BYTES))
    except ValueError:
        size = CEILING_DEFAULT_BYTES
    size = min(max(size, 0), CEILING_MAX_BYTES)
    return HttpResponse(ceiling_page(size), content_type="text/html; charset=utf-8")
