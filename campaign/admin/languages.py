"""Translated fields, for the languages the site serves."""

from modeltranslation.admin import TranslationAdmin

from campaign.admin_mixins import PublicContentAdminMixin
from core.admin_mixins import FrenchTypographyAdminMixin, ServedLanguagesAdminMixin


class SwitchedOnLanguagesAdmin(
    FrenchTypographyAdminMixin, PublicContentAdminMixin, ServedLanguagesAdminMixin, TranslationAdmin
):
    """Show the translated fields of the languages the site serves, not of every prepared one;
    the French ones take their typography when saved."""
