"""Where the files sent to the authorities are kept: never under MEDIA_ROOT.

The signatures CSV names signers. MEDIA_ROOT may be served to anyone (by `runserver` under
DEBUG, by a web server in production), so delivery files live in storage of their own that
only the admin's download views read.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class DeliveryFileStorage(FileSystemStorage):
    """Files under DELIVERY_FILES_ROOT, with no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.DELIVERY_FILES_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "DELIVERY_FILES_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Delivery files are only served by the admin.")


def delivery_files_storage() -> Storage:
    """Return the storage named "deliveries" in STORAGES (a private S3 bucket, say)."""
    return storages["deliveries"]
