"""The count of emails each mailbox was sent in a day (petitions/mailbox_caps.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailboxDailySends(models.Model):
    """How many emails one mailbox was sent on one day, across the whole site (confirmations,
    reminders, withdrawal links asked for).

    The mailbox is a keyed hash of its strictest form (petitions.mailboxes.mailbox_strict), so
    that plus-tags, dots and quotes cannot make one inbox many.
    """

    mailbox_hash = models.CharField(_("mailbox fingerprint"), max_length=64)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("emails"), default=0)

    class Meta:
        verbose_name = _("emails to a mailbox in a day")
        verbose_name_plural = _("emails to a mailbox in a day")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["mailbox_hash", "day"], name="mailbox_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"
