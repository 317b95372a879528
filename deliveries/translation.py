from modeltranslation.translator import TranslationOptions, register

from deliveries.models import LetterTemplate


@register(LetterTemplate)
class LetterTemplateTranslationOptions(TranslationOptions):
    fields = ("case_summary", "salutation", "closing", "signatory")
