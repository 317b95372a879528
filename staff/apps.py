from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("Staff accounts")
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by a site that lets no one in without a second factor."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
