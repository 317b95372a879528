from modeltranslation.translator import TranslationOptions, register

from campaign.models import CallToAction, Campaign, Page


@register(Campaign)
class CampaignTranslationOptions(TranslationOptions):
    fields = ("name", "tagline", "description", "share_image_alt", "share_text")


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = (
        "title",
        "menu_title",
        "lead",
        "body",
        "image_alt",
        "image_credit",
        "seo_title",
        "seo_description",
    )


@register(CallToAction)
class CallToActionTranslationOptions(TranslationOptions):
    fields = ("title", "text", "button_label", "url")
