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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "deliveries": {
        "BACKEND": "core.private_storage.PrivateFileStorage",
        "OPTIONS": {"root_setting": "DELIVERY_FILES_ROOT"},
    },
    "signature_exports": {
        "BACKEND": "core.private_storage.PrivateFileStorage",
        "OPTIONS": {"root_setting": "EXPORT_FILES_ROOT"},
    },
}
