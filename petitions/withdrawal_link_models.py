"""Withdrawal links asked for and not yet sent: their outbox (petitions/withdrawal_links.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WithdrawalLinkRequest(models.Model):
    """A mailbox's request for a fresh withdrawal link per signature, until it is answered.

    The row, not the broker's message, is what says an email is owed: a lost message or a
    worker restarted during a retry's wait leaves it due, for beat's sweep. The address typed is
    kept only in a secret box under SIGNER_MAILBOX_KEY (core/secret_boxes.py), so a copy of the
    database names no one; the mailbox's keyed hash makes one row per mailbox, so that several
    requests pending at once are one email. The row is deleted once answered (sent, refused for
    good, or the address signed nothing) and at the latest SIGNATURE_EMAIL_RETRY_HOURS after it
    was made.
    """

    mailbox_hash = models.CharField(_("mailbox fingerprint"), max_length=64, unique=True)
    address_box = models.BinaryField(_("address, encrypted"))
    language = models.CharField(_("language"), max_length=10)
    requested_at = models.DateTimeField(_("requested"))
    due_at = models.DateTimeField(_("due"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Every attempt carries the same Message-ID: a worker killed between the server's
    # acceptance and the row's deletion sends it again as the same message.
    message_id = models.CharField(_("Message-ID"), max_length=255)

    class Meta:
        verbose_name = _("withdrawal link request")
        verbose_name_plural = _("withdrawal link requests")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"
