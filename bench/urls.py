"""The site's URLs, then the ceiling view (last, so that it pays the full URL resolution)."""

from django.urls import path

from bench import views
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("__bench__/ceiling/", views.ceiling, name="bench_ceiling"),
]
