"""The site's addresses, and one whose view fails, in French at the root and English at /en/."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from config.urls import handler400, handler404, handler500  # noqa: F401 - the site's handlers
from config.urls import urlpatterns as site_urlpatterns


def view_that_fails(request):
    raise RuntimeError("the database went away in the middle of the page")


urlpatterns = [
    *i18n_patterns(path("fails/", view_that_fails), prefix_default_language=False),
    *site_urlpatterns,
]
