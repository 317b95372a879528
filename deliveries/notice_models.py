"""The email owed to a signer who asked for news about a delivery (deliveries/notices.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeliveryNotice(models.Model):
    """The email owed to a signer who asked for news: "your signature was delivered", or
    "the authorities answered" (with `reply`).

    One row per delivery (or reply) and signer, so the database itself refuses a second email
    for the same news; the row is the email's outbox (deliveries.notices).
    """

    class Status(models.TextChoices):
        DUE = "due", _("Due")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    delivery = models.ForeignKey(
        "deliveries.Delivery",
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("delivery"),
    )
    # A withdrawn signer takes their notice with them.
    signature = models.ForeignKey(
        "petitions.Signature", on_delete=models.CASCADE, related_name="delivery_notices"
    )
    # Set for "the authorities answered": the reply the notice tells of. Empty for "delivered".
    reply = models.ForeignKey(
        "deliveries.DeliveryReply",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("reply"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DUE
    )
    # When it may be sent next: a claim moves it on, so a dead sender's email is due again.
    due_at = models.DateTimeField(_("due"))
    retry_until = models.DateTimeField(_("retried until"), null=True, blank=True)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    message_id = models.CharField(_("Message-ID header"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery notice to a signer")
        verbose_name_plural = _("delivery notices to signers")
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "signature"],
                condition=models.Q(reply__isnull=True),
                name="delivery_notice_once_per_signer",
            ),
            models.UniqueConstraint(
                fields=["reply", "signature"],
                condition=models.Q(reply__isnull=False),
                name="reply_notice_once_per_signer",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_notice_due")]

    def __str__(self) -> str:
        return f"{self.delivery_id} → {self.signature_id}"
