"""A test-only admin whose one model admin wears AccessTrailAdminMixin, beside the real site."""

from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from staff.admin_mixins import AccessTrailAdminMixin
from staff.sites import StaffAdminSite


class TrailedGroupAdmin(AccessTrailAdminMixin, GroupAdmin):
    list_filter = ["name"]


trail_site = StaffAdminSite(name="trail_test")
trail_site.register(Group, TrailedGroupAdmin)

urlpatterns = [path("trail-admin/", trail_site.urls), *site_urlpatterns]
