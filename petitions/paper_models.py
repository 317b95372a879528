"""Sheets of signatures collected on paper (petitions/paper.py imports them)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaperImport(models.Model):
    """Sheets of signatures collected on paper, typed in and imported by a staff member."""

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.PROTECT, related_name="paper_imports"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    file_name = models.CharField(_("file"), max_length=255)
    row_count = models.PositiveIntegerField(_("signatures imported"))
    skipped_count = models.PositiveIntegerField(_("rows skipped"))
    # A keyed hash of the file's bytes (petitions/paper.py): the same sheet sent again is
    # recognised, and the hash says nothing of the names it held.
    sheet_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("paper sheets import")
        verbose_name_plural = _("paper sheets imports")

    def __str__(self) -> str:
        return self.file_name
