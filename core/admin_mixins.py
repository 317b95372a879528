"""Admin behaviour that several apps' model admins share."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import get_language_info
from js_asset import Media

if TYPE_CHECKING:
    # What a mixin of a ModelAdmin may count on finding in the class it is mixed into.
    ModelAdminMixinBase = admin.ModelAdmin
else:
    ModelAdminMixinBase = object


class RecordAdminMixin(ModelAdminMixinBase):
    """A record, read-only for everyone, superusers included: never added, changed or deleted
    by hand (the access trail, deliveries sent, prepared exports)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        """Show every field of the form, read-only."""
        return admin_field_names(self)


class CspNonceMediaMixin(ModelAdminMixinBase):
    """Let a form's rich text editor run under our CSP, which allows no inline script.

    django-prose-editor loads its modules through an inline import map: without the
    request's nonce the browser refuses it and staff get a bare text box for HTML. Every
    admin whose form has a rich text field takes this mixin; tests/staff/test_admin_scripts.py
    checks every admin form of the site.
    """

    def render_change_form(self, request, context, *args, **kwargs):
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)


def admin_field_names(model_admin: admin.ModelAdmin) -> list[str]:
    """Return the names of the fields a model admin's form shows, in its fieldsets or not."""
    if model_admin.fieldsets:
        return [
            str(field) for _name, options in model_admin.fieldsets for field in options["fields"]
        ]
    return [str(field) for field in model_admin.fields or []]


def language_name(code: str) -> str:
    """Return a language's name in the reader's language ("Français" for "fr" in French), for a
    record that keeps only its code; an unknown code is shown as it is."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
