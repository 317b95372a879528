"""What a Django process holds in memory before it does anything: exports must stay small."""

from tests.config.processes import python_printed


def test_an_export_process_never_loads_the_redis_client_it_does_not_use():
    # The redis package costs about 20 MB: a 1M-row export fits in 100 MB only without it.
    code = (
        "import sys, django; django.setup(); "
        "import core.public_cache, petitions.signing, petitions.exports; "
        "from django.core.management import load_command_class; "
        "load_command_class('petitions', 'export_signatures'); "
        "print('redis' in sys.modules)"
    )
    redis_loaded = python_printed(
        code, REDIS_URL="redis://127.0.0.1:6379/1", CELERY_BROKER_URL="redis://127.0.0.1:6379/1"
    )

    assert redis_loaded == ["False"]


def test_a_web_worker_keeps_what_it_loaded_at_start_out_of_the_collectors_scans():
    # A full collection scans every tracked object: frozen ones are skipped, so a worker's
    # pauses stay the size of what its requests create.
    code = (
        "import gc, sys; import config.wsgi; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), 'petitions.views' in sys.modules)"
    )

    frozen, scanned, views_loaded = python_printed(code, SECRET_KEY="test-only-secret-key")

    assert int(frozen) > 10_000 and int(scanned) < int(frozen) // 50
    assert views_loaded == "True"
