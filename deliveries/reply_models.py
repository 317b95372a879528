"""What a target answered to a delivery (deliveries/replies.py), or that it had not answered."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.private_storage import delivery_files_storage


def _reply_file_path(reply: "DeliveryReply", filename: str) -> str:
    return f"replies/{reply.delivery_id}/{filename}"


class DeliveryReply(models.Model):
    """What a target answered to a delivery, or that it had not answered after so many days.

    The petition's public page shows the summary under the delivery; the file stays private.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply received")
        NO_REPLY = "no_reply", _("No reply")

    delivery = models.ForeignKey(
        "deliveries.Delivery",
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name=_("delivery"),
        limit_choices_to={"status": "sent"},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPLY)
    received_on = models.DateField(
        _("received on"), null=True, blank=True, help_text=_("For a reply: the day it came.")
    )
    days_without_reply = models.PositiveSmallIntegerField(
        _("days without a reply"),
        null=True,
        blank=True,
        help_text=_("For no reply: how many days after the delivery nothing had come."),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_(
            "What the target said, in a few sentences: shown on the petition's page, and in "
            "the email to the signers who asked for news once you tell them."
        ),
    )
    file = models.FileField(
        _("the reply (file)"),
        storage=delivery_files_storage,
        upload_to=_reply_file_path,
        blank=True,
        help_text=_("Kept for staff; never shown to the public."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # When staff chose to email the summary to the signers who asked for news: never on its
    # own, since an email cannot be called back (deliveries/replies.py).
    signers_told_at = models.DateTimeField(_("signers told"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["delivery", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reply") | Q(received_on__isnull=False),
                name="delivery_reply_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="no_reply") | Q(days_without_reply__gte=1),
                name="delivery_no_reply_has_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delivery}: {self.get_kind_display()}"
