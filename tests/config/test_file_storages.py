"""Every file the site writes goes through a storage named in STORAGES, which every node shares."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import models

ROOT = Path(__file__).resolve().parents[2]


def node_run(code: str, **environment: str) -> str:
    """Run `code` in a Django process of its own, as another node would, and return its output."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_every_file_field_stores_through_a_storage_named_in_storages():
    named = {id(storages[alias]) for alias in storages.backends} | {id(default_storage)}
    file_fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]

    assert file_fields
    assert all(id(field.storage) in named for field in file_fields), [
        (field.model.__name__, field.name) for field in file_fields
    ]


def test_a_delivery_file_written_on_one_node_is_read_on_another_through_the_shared_volume(
    tmp_path, settings
):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    name = storages["deliveries"].save("2026/letter.pdf", ContentFile(b"%PDF letter"))

    read_elsewhere = node_run(
        "from django.core.files.storage import storages; "
        f"print(storages['deliveries'].open({name!r}).read().decode())",
        DELIVERY_FILES_ROOT=str(tmp_path / "deliveries"),
    )

    assert read_elsewhere.strip() == "%PDF letter"


def test_with_s3_each_storage_is_a_bucket_and_images_stay_on_the_sites_origin():
    described = node_run(
        "import json; from django.core.files.storage import storages; "
        "print(json.dumps({alias: [type(storages[alias]).__name__, "
        "getattr(storages[alias], 'bucket_name', None), getattr(storages[alias], 'location', None)]"
        " for alias in ('default', 'deliveries', 'signature_exports', 'erasure_journal')})); "
        "print(storages['default'].url('campaign/pages/mamat.jpg'))",
        FILE_STORAGE="s3",
        S3_PRIVATE_BUCKET="mamat-private",
        S3_MEDIA_BUCKET="mamat-media",
        SITE_URL="https://mamat.example.org",
    )
    storages_line, url_line = described.strip().splitlines()

    assert json.loads(storages_line) == {
        "default": ["S3Storage", "mamat-media", ""],
        "deliveries": ["S3Storage", "mamat-private", "deliveries"],
        "signature_exports": ["S3Storage", "mamat-private", "exports"],
        "erasure_journal": ["S3Storage", "mamat-private", "erasure-journal"],
    }
    assert url_line == "https://mamat.example.org/media/campaign/pages/mamat.jpg"
