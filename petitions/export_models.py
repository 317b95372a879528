"""A large export of signatures, written by a worker (petitions/export_jobs.py)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.private_storage import signature_exports_storage


def _signature_export_path(export: "SignatureExport", filename: str) -> str:
    # Random, so that a path seen in a log or a backup listing says nothing and guesses nothing.
    return f"signature-exports/{uuid.uuid4().hex}/{filename}"


class SignatureExport(models.Model):
    """A large export written by a worker, downloaded by its requester until it expires."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX (Excel)"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being written")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired (file deleted)")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # The requester's language: the worker writes the file's headings and words in it.
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(
        _("file"),
        storage=signature_exports_storage,
        upload_to=_signature_export_path,
        max_length=255,
        blank=True,
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("signature export")
        verbose_name_plural = _("signature exports")
        ordering = ["-created_at", "-pk"]
        # Exports are made by the export form and deleted when they expire, never by hand.
        default_permissions = ["view"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} #{self.pk} ({self.get_status_display()})"
