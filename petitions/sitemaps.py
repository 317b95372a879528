"""Public petitions in sitemap.xml, each with its French and English addresses."""

from core.sitemaps import SitemapInEveryLanguage
from petitions.models import Petition


class PetitionSitemap(SitemapInEveryLanguage):
    def items(self):
        return Petition.objects.public().order_by("pk")

    def lastmod(self, petition: Petition):
        return petition.updated_at
