"""The files crawlers and devices ask every site for: robots.txt, the web manifest, the icons.

robots.txt and the icons answer from settings alone; the manifest reads the campaign's name.
The sitemap is config/urls.py's, from campaign/sitemaps.py and petitions/sitemaps.py.
"""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from campaign.selectors import campaign_current

# The signed links of emails and the staff's side have nothing a search engine should show.
PRIVATE_PATHS = ["/admin/", "/i18n/", "/anymail/", "/petition/confirm/", "/petition/withdraw/"]
ONE_DAY = 86400


@require_safe
@cache_control(max_age=ONE_DAY, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    prefixes = [""] + [f"/{code}" for code, _name in settings.LANGUAGES[1:]]
    lines = ["User-agent: *"]
    for path in PRIVATE_PATHS:
        for prefix in prefixes if path.startswith("/petition/") else [""]:
            lines.append(f"Disallow: {prefix}{path}")
    lines.append("Disallow: /*/signed/")
    lines += ["", f"Sitemap: {settings.SITE_URL}/sitemap.xml", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
@cache_control(max_age=ONE_DAY, public=True)
def web_manifest(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    name = campaign.name if campaign else "Free Mamat"
    manifest = {
        "name": name,
        "short_name": name[:12],
        "description": campaign.description if campaign else "",
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#0b4f79",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_safe
def favicon_ico(request: HttpRequest) -> HttpResponse:
    # Browsers and feed readers ask for /favicon.ico whatever the page names.
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


@require_safe
def apple_touch_icon(request: HttpRequest) -> HttpResponse:
    return HttpResponsePermanentRedirect(static("img/apple-touch-icon.png"))
