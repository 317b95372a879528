"""A sitemap whose every entry carries its addresses in each language the site speaks."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap


class SitemapInEveryLanguage(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    @property
    def languages(self) -> list[str]:  # type: ignore[override]
        return [code for code, _name in settings.LANGUAGES]
