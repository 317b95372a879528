"""Translated fields, for the languages the site serves."""

from django.conf import settings
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from campaign.admin_mixins import PublicContentAdminMixin


class SwitchedOnLanguagesAdmin(PublicContentAdminMixin, TranslationAdmin):
    """Show the translated fields of the languages the site serves, not of every prepared one."""

    def _hidden_translation_fields(self) -> set[str]:
        served = {code for code, _name in settings.LANGUAGES}
        hidden = set()
        for field in translator.get_options_for_model(self.model).get_field_names():
            for code in settings.MODELTRANSLATION_LANGUAGES:
                if code not in served:
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
