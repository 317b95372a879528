from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from campaign import site_files
from campaign.sitemaps import PageSitemap
from core.language_prefix import default_language_prefix_redirect
from petitions import news_views
from petitions.sitemaps import PetitionSitemap

SITEMAPS = {"pages": PageSitemap, "petitions": PetitionSitemap}

urlpatterns = [
    # What crawlers and devices ask every site for, at the root and in no language.
    path("robots.txt", site_files.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("manifest.webmanifest", site_files.web_manifest, name="web_manifest"),
    path("favicon.ico", site_files.favicon_ico),
    path("apple-touch-icon.png", site_files.apple_touch_icon),
    path("admin/", admin.site.urls),
    # The ESP's delivery events; anymail checks ANYMAIL_WEBHOOK_SECRET on every call.
    path("anymail/", include("anymail.urls")),
    # Outside the language prefixes: the link in an email to signers who asked for news works
    # whatever the page's language (petitions/news.py).
    path("updates/unsubscribe/<str:token>/", news_views.news_stop, name="news_stop"),
]

# French lives at the root, other languages under their prefix (/en/, /ug/); /fr/… goes to /….
urlpatterns += [
    re_path(rf"^{settings.LANGUAGE_CODE}/(?P<rest>.*)$", default_language_prefix_redirect),
]
urlpatterns += i18n_patterns(
    # Before the campaign's catch-all /<slug>/.
    path("petition/", include("deliveries.urls")),
    path("petition/", include("petitions.urls")),
    path("", include("campaign.urls")),
    prefix_default_language=False,
)

# Django's 404 page, its language links leading to each language's home page.
handler404 = "campaign.views.page_not_found"
# Drawn with no request, in both languages: Django refuses a bad request before any view.
handler400 = "core.bad_request.bad_request"
# Drawn with no request, in the language the failed request chose, else French and English.
handler500 = "core.server_error.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
