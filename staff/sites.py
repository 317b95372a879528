from typing import cast

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from django_otp.middleware import is_verified

from core.launch_checklist import launch_steps
from staff import views
from staff.forms import StaffAuthenticationForm


class StaffAdminSite(admin.AdminSite):
    """The admin, open only to staff who passed a password and a second factor."""

    login_form = StaffAuthenticationForm
    # The campaign's own name replaces these in the header (templates/admin/base_site.html).
    site_header = _("Campaign")
    site_title = _("Campaign")
    index_title = _("Campaign administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and is_verified(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().login(request, extra_context)
        if (
            request.method == "POST"
            and request.user.is_authenticated
            and response.status_code == 302
        ):
            views.password_step_passed(request)
            return redirect_to_login(response["Location"], reverse("admin:staff_two_factor_verify"))
        return response

    def index(self, request: HttpRequest, extra_context=None) -> TemplateResponse:
        """The admin's home, with what is left to do before launch while anything is."""
        steps = launch_steps()
        context = {
            **(extra_context or {}),
            "launch_steps": steps if not all(step.done for step in steps) else [],
        }
        return super().index(request, context)

    def i18n_javascript(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """The admin's translations for its scripts, and the rich text editor's (its link form)."""
        packages = ["django.contrib.admin", "django_prose_editor"]
        return cast(HttpResponse, JavaScriptCatalog.as_view(packages=packages)(request))

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        """Complete only the fields an admin form offers to complete.

        Django's view searches any model with a search box through any relation to it: the
        signers through an update's recipients, with no form asking and no trail entry, where
        the signature list trails every search.
        """
        asked = (
            request.GET.get("app_label"),
            request.GET.get("model_name"),
            request.GET.get("field_name"),
        )
        if asked not in self._autocompleted_fields():
            raise PermissionDenied
        return super().autocomplete_view(request)

    def _autocompleted_fields(self) -> set[tuple[str, str, str]]:
        forms = [
            (form.model, form.autocomplete_fields)
            for model_admin in self._registry.values()
            for form in (model_admin, *model_admin.inlines)
        ]
        return {
            (model._meta.app_label, model._meta.model_name, field)
            for model, fields in forms
            for field in fields
        }

    def get_urls(self):
        return [
            # Open to a user who passed the password step but not yet the second factor.
            path("two-factor/", views.two_factor_verify, name="staff_two_factor_verify"),
            path("two-factor/enrol/", views.two_factor_enrol, name="staff_two_factor_enrol"),
            path(
                "two-factor/sign-out/", views.two_factor_sign_out, name="staff_two_factor_sign_out"
            ),
            path(
                "two-factor/backup-codes/",
                self.admin_view(views.backup_codes_renew),
                name="staff_backup_codes_renew",
            ),
            path(
                "session/keep/",
                self.admin_view(views.session_keep),
                name="staff_session_keep",
            ),
            *super().get_urls(),
        ]
