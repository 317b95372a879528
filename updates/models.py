"""An update staff write to the signers who asked for news, and each email it sends."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_prose_editor.fields import ProseEditorField

from campaign.richtext import RICH_TEXT_EXTENSIONS
from petitions.models import Petition, Signature

# Gmail cuts an email's HTML past 102 kB, and the link to stop the news is at its end; the
# email's frame and footer take the rest.
TEXT_MAX_BYTES = 90_000


class SupporterUpdate(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("a delivery or an update", "Sent")

    petition = models.ForeignKey(
        Petition,
        on_delete=models.PROTECT,
        related_name="supporter_updates",
        verbose_name=_("petition"),
    )
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    body_fr = ProseEditorField(_("text (French)"), extensions=RICH_TEXT_EXTENSIONS, sanitize=True)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = ProseEditorField(
        _("text (English)"),
        extensions=RICH_TEXT_EXTENSIONS,
        sanitize=True,
        blank=True,
        help_text=_("Signers who signed in English get the French text while this is empty."),
    )
    send_rate_per_minute = models.PositiveIntegerField(
        _("emails per minute"),
        default=600,
        validators=[MinValueValidator(1)],
        help_text=_("How fast the update goes out; stay under what the email service allows."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    # Tells a change form opened before someone else's save (core.admin_mixins).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    weekly_limit_lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("weekly limit lifted by"),
    )
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("update to signers")
        verbose_name_plural = _("updates to signers")
        ordering = ["-created_at"]
        permissions = [("approve_supporterupdate", _("Can approve and send an update to signers"))]

    def __str__(self) -> str:
        return self.subject_fr

    def clean(self) -> None:
        # The editor posts "<p></p>" for an empty text, which passes `blank=False`.
        if not strip_tags(self.body_fr).strip():
            raise ValidationError(
                {"body_fr": _("Write the update's text: signers would get an empty email.")}
            )
        for field in ("body_fr", "body_en"):
            size = len(getattr(self, field).encode())
            if size > TEXT_MAX_BYTES:
                raise ValidationError({field: _text_too_long_for_email(size)})
        # English is sent only with both (language_for): half of it would reach no one.
        has_english_text = bool(strip_tags(self.body_en).strip())
        if has_english_text and not self.subject_en.strip():
            raise ValidationError(
                {
                    "subject_en": _(
                        "Give the English text a subject too: without one, signers who signed "
                        "in English get the French update."
                    )
                }
            )
        if self.subject_en.strip() and not has_english_text:
            raise ValidationError(
                {
                    "body_en": _(
                        "Write the English text too: without it, signers who signed in English "
                        "get the French update."
                    )
                }
            )

    def subject_in(self, language: str) -> str:
        return self.subject_en if language == "en" and self.subject_en else self.subject_fr

    def body_in(self, language: str) -> str:
        return self.body_en if language == "en" and self.body_en else self.body_fr

    def language_for(self, language: str) -> str:
        """Return the language a signer who signed in `language` reads this update in.

        A signer in a language the update is not written in (Uyghur) reads English, as the
        site shows them English wherever their language is missing, never French.
        """
        return "en" if language != "fr" and self.subject_en and self.body_en else "fr"


class UpdateRecipient(models.Model):
    """One signer an update goes to: the outbox row of their email (never their address)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        COMPLAINED = "complained", _("Marked as spam")
        SKIPPED = "skipped", _("Stopped before sending")

    update = models.ForeignKey(SupporterUpdate, on_delete=models.CASCADE, related_name="recipients")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # A sender holds the row until then; a killed one's rows are taken again afterwards.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set at the first "try later": a server still saying so then is given up on.
    retry_until = models.DateTimeField(null=True, blank=True)
    # The email's Message-ID, fixed before its first attempt and carried by every one; once
    # an ESP accepts it, the id the ESP gave it instead, which its webhooks quote.
    message_id = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "signature"], name="update_recipient_once")
        ]
        indexes = [
            models.Index(fields=["update", "status"], name="update_recipient_status"),
            models.Index(fields=["message_id"], name="update_recipient_message"),
        ]

    def __str__(self) -> str:
        return f"{self.update_id} → signature {self.signature_id}"


def _text_too_long_for_email(size: int) -> ValidationError:
    """Return the error for a text of `size` bytes, in kB, so staff know how much to cut."""
    # Rounded up, so a text over the limit never reads as the limit itself.
    kilobytes = math.ceil(size / 100) / 10
    return ValidationError(
        _(
            "This text is too long for an email: %(size)s kB, formatting included, for at "
            "most %(limit)s kB. Mail programs cut a longer one short, hiding the link to stop "
            "these emails. Shorten it, or link to a page of the site."
        ),
        code="too_long_for_email",
        params={
            "size": number_format(kilobytes, decimal_pos=1),
            "limit": number_format(TEXT_MAX_BYTES // 1000),
        },
    )
