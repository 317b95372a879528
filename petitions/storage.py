"""Where export files wait for their download: never under MEDIA_ROOT.

An export names signers. MEDIA_ROOT may be served to anyone, so the files live in storage of
their own that only the admin's download view reads, through an expiring signed link.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class SignatureExportStorage(FileSystemStorage):
    """Files under EXPORT_FILES_ROOT, with no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.EXPORT_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "EXPORT_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Export files are only served by the admin's download view.")
