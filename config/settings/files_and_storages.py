"""Static files, uploads, and the private storages of files that name signers."""

from config.env import BASE_DIR, env

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# build/static holds what `make assets` builds from npm packages (Bootstrap compiled from Sass).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Delivery letters and lists, and prepared exports, name signers: they are kept outside
# MEDIA_ROOT (which may be served to anyone), in storages only the admin reads. Production
# with several servers points these at storage they share (a private bucket).
DELIVERY_FILES_ROOT = env.path("DELIVERY_FILES_ROOT", default=BASE_DIR / "private" / "deliveries")
EXPORT_FILES_ROOT = env.path("EXPORT_FILES_ROOT", default=BASE_DIR / "private" / "exports")
# Which signatures were withdrawn, erased or hidden, by number only: kept outside the database so
# that restoring a backup of it cannot bring them back (petitions/erasure_journal.py).
ERASURE_JOURNAL_ROOT = env.path(
    "ERASURE_JOURNAL_ROOT", default=BASE_DIR / "private" / "erasure-journal"
)

# Where the files the site writes live: "filesystem" (the directories above: on one machine, or
# a volume every node mounts at the same paths) or "s3" (buckets every node reaches; see
# docs/operations.md, "Several machines"). Static files are part of each release, not written.
FILE_STORAGE = env.str("FILE_STORAGE", default="filesystem")
_STATIC_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

if FILE_STORAGE == "s3":
    from urllib.parse import urlsplit

    _SITE = urlsplit(env.str("SITE_URL", default="http://127.0.0.1:8000"))
    # django-storages reads the credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
    _S3 = "storages.backends.s3.S3Storage"
    _S3_REACH = {
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION_NAME", default="") or None,
        "default_acl": None,
        "file_overwrite": False,
    }
    STORAGES = {
        # Uploaded images, read by visitors: a bucket the proxy serves at /media/ (the site
        # loads nothing from another origin), so their URLs are the site's own.
        "default": {
            "BACKEND": _S3,
            "OPTIONS": _S3_REACH
            | {
                "bucket_name": env.str("S3_MEDIA_BUCKET"),
                "querystring_auth": False,
                "custom_domain": _SITE.netloc + MEDIA_URL.rstrip("/"),
                "url_protocol": f"{_SITE.scheme}:",
            },
        },
        "staticfiles": _STATIC_STORAGE,
        # Files that name signers: a private bucket, read only by the admin's download views.
        "deliveries": {
            "BACKEND": _S3,
            "OPTIONS": _S3_REACH
            | {"bucket_name": env.str("S3_PRIVATE_BUCKET"), "location": "deliveries"},
        },
        "signature_exports": {
            "BACKEND": _S3,
            "OPTIONS": _S3_REACH
            | {"bucket_name": env.str("S3_PRIVATE_BUCKET"), "location": "exports"},
        },
        "erasure_journal": {
            "BACKEND": _S3,
            "OPTIONS": _S3_REACH
            | {"bucket_name": env.str("S3_PRIVATE_BUCKET"), "location": "erasure-journal"},
        },
    }
else:
    STORAGES = {
        # Uploaded images, which the proxy (another user) serves at /media/: readable by all,
        # whatever the umask of the process that wrote them (the systemd units' is 0077).
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
        },
        "staticfiles": _STATIC_STORAGE,
        "deliveries": {
            "BACKEND": "core.private_storage.PrivateFileStorage",
            "OPTIONS": {"root_setting": "DELIVERY_FILES_ROOT"},
        },
        "signature_exports": {
            "BACKEND": "core.private_storage.PrivateFileStorage",
            "OPTIONS": {"root_setting": "EXPORT_FILES_ROOT"},
        },
        "erasure_journal": {
            "BACKEND": "core.private_storage.PrivateFileStorage",
            "OPTIONS": {"root_setting": "ERASURE_JOURNAL_ROOT"},
        },
    }
