from modeltranslation.translator import TranslationOptions, register

from deliveries.models import Delivery, DeliveryReply, LetterTemplate


@register(LetterTemplate)
class LetterTemplateTranslationOptions(TranslationOptions):
    fields = ("case_summary", "salutation", "closing", "signatory")


@register(DeliveryReply)
class DeliveryReplyTranslationOptions(TranslationOptions):
    fields = ("summary",)


@register(Delivery)
class DeliveryTranslationOptions(TranslationOptions):
    # The target's name in each language as it was sent: the English pages name it in English.
    fields = ("recipient_name", "recipient_title", "recipient_organisation")
