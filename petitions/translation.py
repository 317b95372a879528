from modeltranslation.translator import TranslationOptions, register

from petitions.models import Petition, Target


@register(Petition)
class PetitionTranslationOptions(TranslationOptions):
    fields = ("title", "text", "demand", "seo_description")


@register(Target)
class TargetTranslationOptions(TranslationOptions):
    # The letter greets the target in its language; the English pages name it in English.
    fields = ("name", "title", "organisation")
