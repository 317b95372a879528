from modeltranslation.translator import TranslationOptions, register

from petitions.models import Petition


@register(Petition)
class PetitionTranslationOptions(TranslationOptions):
    fields = ("title", "text", "demand", "seo_description")
