import json
import os
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.sealing import sealing_keys_generate


class Command(BaseCommand):
    help = (
        "Write development keys (DEBUG only) into private/development-keys.json if it is not "
        "there yet, and say where the development private key is. `make run` runs it."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Development keys are for DEBUG only; production keys come from the environment."
            )
        path = settings.DEVELOPMENT_KEYS_FILE
        if not path.exists():
            public, private = sealing_keys_generate()
            keys = {
                "SEALING_PUBLIC_KEY": public,
                "SEALING_PRIVATE_KEY": private,
                "SIGNER_MAILBOX_KEY": secrets.token_urlsafe(32),
                "ACCESS_TRAIL_KEY": secrets.token_urlsafe(32),
                "ERASURE_RECORD_KEY": secrets.token_urlsafe(32),
            }
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump(keys, file, indent=2)
            self.stdout.write(f"Development keys written to {path}.")
        self.stdout.write(
            f"Development keys: {path}. Its SEALING_PRIVATE_KEY opens signers' sealed data in "
            "exports on this machine only; production keeps its private key offline."
        )
