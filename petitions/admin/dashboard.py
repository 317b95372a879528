"""A page per petition with its numbers: counts, signatures per day and top origins."""

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ModelAdminMixinBase
from petitions.admin.dashboard_chart import chart_layout
from petitions.admin.dashboard_trends import dashboard_trends_context
from petitions.dashboard import petition_dashboard
from petitions.models import Petition, Signature
from petitions.reminders import reminder_conversion

EXPORT_PERMISSION = "petitions.export_signatures"


class PetitionDashboardAdminMixin(ModelAdminMixinBase):
    """Adds the dashboard page to PetitionAdmin, and a link to it in the list."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="petitions_petition_dashboard",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, petition: Petition) -> str:
        url = reverse("admin:petitions_petition_dashboard", args=[petition.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Dashboard"))

    def dashboard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        petition = get_object_or_404(Petition, pk=object_id)
        if not self.has_view_permission(request, petition):
            raise PermissionDenied
        dashboard = petition_dashboard(petition=petition, days=settings.DASHBOARD_CHART_DAYS)
        return TemplateResponse(
            request,
            "admin/petitions/petition/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": petition,
                # The petition's name below a short title: a long one ran under the buttons.
                "title": gettext("Dashboard"),
                "subtitle": str(petition),
                "petition": petition,
                "dashboard": dashboard,
                "statuses": [
                    (label, dashboard.counts[value]) for value, label in Signature.Status.choices
                ],
                "chart": chart_layout(dashboard.days),
                "can_export": request.user.has_perm(EXPORT_PERMISSION),
                "reminders": reminder_conversion(petition=petition),
                **dashboard_trends_context(request=request, petition=petition),
            },
        )
