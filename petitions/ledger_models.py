"""The public ledger's entries: what the count was, signed and chained (petitions/ledger.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    """One signed, hash-chained statement of a petition's count, as published.

    `body` is the exact text that was hashed and signed: it is published as it is, and never
    rewritten (a rewrite breaks its hash, its signature and every later entry's chain).
    """

    class Event(models.TextChoices):
        DAILY = "daily", _("Daily statement")
        INVALIDATION = "invalidation", _("Signatures invalidated")
        INVALIDATION_UNDONE = "invalidation_undone", _("Invalidation undone")
        DELIVERY = "delivery", _("Delivery")

    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("petition"),
    )
    sequence = models.PositiveIntegerField(_("entry"))
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    recorded_at = models.DateTimeField(_("recorded"))
    body = models.TextField(_("signed content"))
    entry_hash = models.CharField(_("SHA-256"), max_length=64)
    signature = models.CharField(_("Ed25519 signature"), max_length=100)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["petition", "sequence"]
        # Entries are written by the ledger alone and never changed by hand.
        default_permissions = ["view"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "sequence"], name="ledger_entry_unique_sequence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} #{self.sequence}"
