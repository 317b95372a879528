from modeltranslation.translator import TranslationOptions, register

from deliveries.models import DeliveryReply, LetterTemplate


@register(LetterTemplate)
class LetterTemplateTranslationOptions(TranslationOptions):
    fields = ("case_summary", "salutation", "closing", "signatory")


@register(DeliveryReply)
class DeliveryReplyTranslationOptions(TranslationOptions):
    fields = ("summary",)
