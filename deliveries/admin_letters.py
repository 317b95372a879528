"""The petition's letter in the admin: staff write its texts and read it as each target would."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_mixins import FrenchTypographyAdminMixin, ServedLanguagesAdminMixin
from deliveries import previews
from deliveries.models import LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(FrenchTypographyAdminMixin, ServedLanguagesAdminMixin, TranslationAdmin):
    list_display = ["petition", "updated_at"]
    readonly_fields = ["previews", "updated_at"]
    fieldsets = [
        (None, {"fields": ["petition", "previews"]}),
        (_("Texts"), {"fields": ["case_summary", "salutation", "closing", "signatory"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    def get_urls(self):
        return [
            path(
                "<int:letter_id>/preview/<int:target_id>/",
                self.admin_site.admin_view(self.preview_view),
                name="deliveries_lettertemplate_preview",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("preview"))
    def previews(self, letter: LetterTemplate) -> str:
        if not letter.pk:
            return str(_("Save the letter first, then read it as each recipient would."))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}" target="_blank" rel="noopener">{}</a></li>',
                (
                    (
                        reverse(
                            "admin:deliveries_lettertemplate_preview", args=[letter.pk, target.pk]
                        ),
                        _("The letter to %(target)s, as saved (PDF)") % {"target": target},
                    )
                    for target in letter.petition.targets.all()
                ),
            ),
        )

    def preview_view(self, request: HttpRequest, letter_id: int, target_id: int) -> HttpResponse:
        """Return the saved letter as a delivery now would carry it to the target."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        letter: LetterTemplate = get_object_or_404(
            LetterTemplate.objects.select_related("petition"), pk=letter_id
        )
        target = get_object_or_404(letter.petition.targets, pk=target_id)
        pdf = previews.delivery_letter_preview(
            petition=letter.petition, target=target, confirmed_up_to=timezone.now()
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letter.petition.slug}-letter.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response
