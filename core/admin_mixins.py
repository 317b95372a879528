"""Admin behaviour that several apps' model admins share."""

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from js_asset import Media
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from core.french_typography import french_values_typeset
from core.served_languages import language_is_served

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


class FrenchTypographyAdminMixin(ModelAdminMixinBase):
    """Give the French texts staff type their typography (core/french_typography.py).

    Applied to what the form cleaned, before the model takes it: what the admin saves comes
    from there, the object and also what is read from the form itself (a page's draft, a
    reply recorded, the preview). Every admin that edits French text takes this mixin;
    tests/core/test_french_typography.py checks every admin of the site.
    """

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model = self.model

        class FrenchTypographyForm(form_class):  # type: ignore[misc,valid-type]  # the admin's
            def clean(self):
                cleaned = super().clean()
                data = self.cleaned_data if cleaned is None else cleaned
                data.update(french_values_typeset(model, data))
                return cleaned

        return FrenchTypographyForm


EDIT_VERSION_FIELD = "edit_version"
EDITED_SINCE_OPENED = _(
    "Someone else saved this since you opened it, and saving would undo their changes. "
    "Nothing was saved. Copy what you typed, open the page again, and make your changes there."
)


class _EditVersionField(forms.CharField):
    """The version a change form was opened at: never a change of staff's (nor in the log)."""

    def has_changed(self, initial, data) -> bool:
        return False


class EditedSinceAdminMixin(ModelAdminMixinBase):
    """Refuse to save a change form over a save made since it was opened.

    Two staff editing the same page or petition: without this the second "Save" silently puts
    back everything the first changed. The form carries the version it was opened at; saving
    compares it with the row's, locked, and refuses with the typed text still in the form.
    """

    def edit_version(self, obj) -> str:
        """Return what changes whenever `obj` is saved (its model's `updated_at`, auto_now)."""
        return obj.updated_at.isoformat()

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None or not fieldsets or EDIT_VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets  # no fieldsets declared: the form's own fields, this one with them
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], EDIT_VERSION_FIELD]}), *rest]

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        if obj is not None:
            kwargs["form"] = self._edited_since_form(kwargs.get("form") or self.form, obj)
        return super().get_form(request, obj, change=change, **kwargs)

    def _edited_since_form(self, form_class: type[forms.ModelForm], obj) -> type[forms.ModelForm]:
        model_admin = self

        class EditedSinceForm(form_class):  # type: ignore[misc,valid-type]  # the admin's form
            edit_version = _EditVersionField(
                # In a row the admin hides, but its label is written in the page all the same.
                label=_("Version when opened"),
                widget=forms.HiddenInput,
                required=False,
                initial=model_admin.edit_version(obj),
            )

            def clean(self):
                cleaned = super().clean()
                opened_at = (self.data.get(self.add_prefix(EDIT_VERSION_FIELD)) or "").strip()
                now = type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()
                if opened_at and now is not None and model_admin.edit_version(now) != opened_at:
                    self.add_error(None, EDITED_SINCE_OPENED)
                return cleaned

        return EditedSinceForm


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


class ServedLanguagesAdminMixin(ModelAdminMixinBase):
    """Show a translated model's fields in the languages the site serves, not in every one
    prepared: staff would otherwise fill in texts in a language switched off (Uyghur without
    ENABLE_UYGHUR) that nobody reads. Put it before TranslationAdmin in the bases."""

    def _hidden_translation_fields(self) -> set[str]:
        hidden = set()
        for field in translator.get_options_for_model(self.model).get_field_names():
            for code in settings.MODELTRANSLATION_LANGUAGES:
                if not language_is_served(code):
                    hidden.add(build_localized_fieldname(field, code))
        return hidden

    def get_fieldsets(self, request, obj=None):
        hidden = self._hidden_translation_fields()
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["exclude"] = [*(kwargs.get("exclude") or []), *self._hidden_translation_fields()]
        return super().get_form(request, obj, change=change, **kwargs)
