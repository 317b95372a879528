"""Invalidations by criteria and the lists of email domains staff allow or block."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.agent_families import agent_family_label


class Invalidation(models.Model):
    """Signatures matching criteria, taken out of the count by a background job, undoable whole.

    Each signature it touched keeps its id, the reason and the status it had before.
    """

    class Reason(models.TextChoices):
        # The categories are published in the ledger; the text staff type stays internal.
        AUTOMATED = "automated", _("Automated or scripted signing")
        ONE_SOURCE = "one_source", _("Too many signatures from one source")
        DISPOSABLE = "disposable_addresses", _("Disposable email addresses")
        BLOCKED_DOMAIN = "blocked_domain", _("Blocked email domain")
        FAKE_IDENTITIES = "fake_identities", _("Fake or impossible identities")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        UNDOING = "undoing", _("Being undone")
        UNDONE = "undone", _("Undone")

    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.PROTECT,
        related_name="invalidations",
        verbose_name=_("petition"),
    )
    criteria = models.JSONField(_("criteria"), default=dict)
    reason_category = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    reason = models.CharField(
        _("explanation"),
        max_length=200,
        help_text=_("Kept with each signature; never published (it may name someone)."),
    )
    preview_count = models.PositiveIntegerField(_("signatures previewed"))
    # The preview saw the signatures up to this id: the job touches those, never later ones.
    up_to_signature_id = models.BigIntegerField(_("last signature previewed"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    touched_count = models.PositiveIntegerField(_("signatures invalidated"), default=0)
    restored_count = models.PositiveIntegerField(_("signatures restored"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Moved on by each batch: a job whose worker died is found and resumed by beat.
    progressed_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancel_requested_at = models.DateTimeField(_("cancel requested"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("invalidation by criteria")
        verbose_name_plural = _("invalidations by criteria")
        ordering = ["-created_at", "-pk"]
        default_permissions = ["view"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_reason_category_display()}"

    @property
    def progress_percent(self) -> int:
        if self.status in {self.Status.UNDOING, self.Status.UNDONE}:
            done, total = self.restored_count, self.touched_count
        else:
            done, total = self.touched_count, self.preview_count
        return min(100, done * 100 // total) if total else 100


class EmailDomainRule(models.Model):
    """An email domain staff allow (trusted, never limited) or block (always flagged)."""

    class Kind(models.TextChoices):
        ALLOW = "allow", _("Allow: never flagged for its domain")
        BLOCK = "block", _("Block: every signature flagged for review")

    domain = models.CharField(
        _("domain"), max_length=253, unique=True, help_text=_("For example example.org.")
    )
    kind = models.CharField(_("list"), max_length=10, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email domain rule")
        verbose_name_plural = _("email domains allowed or blocked")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class TrendAlert(models.Model):
    """A source that passed the petition's alert threshold within an hour: raised once per hour."""

    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.CASCADE,
        related_name="trend_alerts",
        verbose_name=_("petition"),
    )

    class Dimension(models.TextChoices):
        # Each is the Signature field the source is read from.
        IP_HASH = "ip_hash", _("IP fingerprints")
        EMAIL_DOMAIN = "email_domain", _("Email domains")
        COUNTRY = "country", _("Countries")
        REFERRAL_CODE = "referral_code", _("Referral codes")
        AGENT_FAMILY = "agent_family", _("Browser families")

    dimension = models.CharField(_("kind of source"), max_length=30, choices=Dimension.choices)
    value = models.CharField(_("source"), max_length=253)
    window_start = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("signatures in the last hour"))
    share = models.PositiveSmallIntegerField(_("share of the last hour (%)"))
    created_at = models.DateTimeField(_("raised"), default=timezone.now)

    class Meta:
        verbose_name = _("trend alert")
        verbose_name_plural = _("trend alerts")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "dimension", "value", "window_start"],
                name="trend_alert_once_per_hour",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.value}"

    @property
    def value_shown(self) -> str:
        return trend_source_shown(self.dimension, self.value)


def trend_source_shown(dimension: str, value: str) -> str:
    """A source as staff read it: a browser family translated ("not given"), the rest as is."""
    if dimension == TrendAlert.Dimension.AGENT_FAMILY:
        return agent_family_label(value)
    return value
