"""The count of emails each mailbox was sent in a day (petitions/mailbox_caps.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MailboxDailySends(models.Model):
    """How many emails one mailbox was sent on one day, across the whole site: confirmations
    and reminders in one count, the withdrawal links asked for in another.

    The mailbox is a keyed hash of its strictest form (petitions.mailboxes.mailbox_strict), so
    that plus-tags, dots and quotes cannot make one inbox many.
    """

    mailbox_hash = models.CharField(_("mailbox fingerprint"), max_length=64)
    day = models.DateField(_("day"))
    # Each count is written by one raw statement that names only its own column
    # (petitions/mailbox_caps.py): the other takes the database's default.
    count = models.PositiveIntegerField(_("emails"), default=0, db_default=0)
    withdrawal_link_count = models.PositiveIntegerField(
        _("withdrawal link emails"), default=0, db_default=0
    )

    class Meta:
        verbose_name = _("emails to a mailbox in a day")
        verbose_name_plural = _("emails to a mailbox in a day")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["mailbox_hash", "day"], name="mailbox_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"
