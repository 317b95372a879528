"""The campaign's published pages in sitemap.xml, each with its addresses in every language."""

from django.urls import reverse

from campaign.models import Page
from core.sitemaps import SitemapInEveryLanguage


class PageSitemap(SitemapInEveryLanguage):
    def items(self) -> list[Page]:
        pages = list(Page.objects.published().order_by("position", "pk"))
        # The published case page (one per campaign) is the home page: listed at /, not at
        # its own slug too.
        home = next((page for page in pages if page.kind == Page.Kind.CASE), None)
        for page in pages:
            page.sitemap_is_home = page is home
        return pages

    def location(self, page: Page) -> str:
        if getattr(page, "sitemap_is_home", False):
            return reverse("campaign:home")
        return page.get_absolute_url()

    def lastmod(self, page: Page):
        return page.updated_at
