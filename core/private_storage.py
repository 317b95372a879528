"""Storage for files that name signers (exports, delivery lists): never under MEDIA_ROOT.

MEDIA_ROOT may be served to anyone (by `runserver` under DEBUG, by a web server in
production), so these files live in storages of their own, each under a root named by a
setting, with no public URL: only the admin's download views read them.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class PrivateFileStorage(FileSystemStorage):
    """Files under the directory that the setting `root_setting` names, with no public URL."""

    def __init__(self, *, root_setting: str, **kwargs) -> None:
        self.root_setting = root_setting
        super().__init__(**kwargs)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, getattr(settings, self.root_setting))

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == self.root_setting:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Private files are only served by the admin's download views.")


def signature_exports_storage() -> Storage:
    """Return the storage named "signature_exports" in STORAGES (a private bucket, say)."""
    return storages["signature_exports"]


def delivery_files_storage() -> Storage:
    """Return the storage named "deliveries" in STORAGES (a private bucket, say)."""
    return storages["deliveries"]
