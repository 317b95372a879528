"""Storage for files that name signers (exports, delivery lists): never under MEDIA_ROOT.

MEDIA_ROOT may be served to anyone (by `runserver` under DEBUG, by a web server in
production), so these files live in storages of their own, each under a root named by a
setting, with no public URL: only the admin's download views read them.
"""

import os
from typing import IO

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import FileResponse


class PrivateFileStorage(FileSystemStorage):
    """Files under the directory that the setting `root_setting` names, with no public URL.

    The root is read from the setting at each use, so that a changed setting (in tests, say)
    applies at once.
    """

    def __init__(self, *, root_setting: str, **kwargs) -> None:
        self.root_setting = root_setting
        # Readable by the site's own user only, whatever its umask.
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(getattr(settings, self.root_setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files are only served by the admin's download views.")


def private_file_response(opened: IO[bytes], *, filename: str) -> FileResponse:
    """Return a private file as a download that no cache along the way may keep."""
    response = FileResponse(opened, as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


def signature_exports_storage() -> Storage:
    """Return the storage named "signature_exports" in STORAGES (a private bucket, say)."""
    return storages["signature_exports"]


def delivery_files_storage() -> Storage:
    """Return the storage named "deliveries" in STORAGES (a private bucket, say)."""
    return storages["deliveries"]


def erasure_journal_storage() -> Storage:
    """Return the storage named "erasure_journal" in STORAGES (a private bucket, say)."""
    return storages["erasure_journal"]
