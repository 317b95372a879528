import json
import os
import secrets

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop

from core.sealing import sealing_keys_generate
from core.signing_keys import signing_key_generate
from core.translated_commands import TranslatedHelpCommand


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Write development keys (DEBUG only) into private/development-keys.json if it is not "
        "there yet, and say where the development private key is. `make run` runs it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--unless-production",
            action="store_true",
            help=gettext(
                "With DEBUG off, say that the keys come from the environment and write none "
                "(`make keys`, which `make up` runs in production's way too)."
            ),
        )

    def handle(self, *args, unless_production: bool = False, **options) -> None:
        if not settings.DEBUG:
            if unless_production:
                self.stdout.write(
                    gettext(
                        "DEBUG is off: the keys come from the environment (docs/operations.md, "
                        "'Keys'); none written."
                    )
                )
                return
            raise CommandError(
                gettext(
                    "Development keys are for DEBUG only; production keys come from the "
                    "environment."
                )
            )
        path = settings.DEVELOPMENT_KEYS_FILE
        keys = json.loads(path.read_text()) if path.exists() else {}
        missing = _development_keys_new(keys)
        if missing:
            keys.update(missing)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                json.dump(keys, file, indent=2)
            # The keys' names are the settings they fill: not translated.
            written = gettext("Development keys written to %(path)s: %(names)s.")
            self.stdout.write(written % {"path": path, "names": ", ".join(sorted(missing))})
        where = gettext(
            "Development keys: %(path)s. Its SEALING_PRIVATE_KEY opens signers' sealed data in "
            "exports on this machine only; production keeps its private key offline."
        )
        self.stdout.write(where % {"path": path})


def _development_keys_new(keys: dict[str, str]) -> dict[str, str]:
    """Return the development keys `keys` lacks, newly drawn (an older file gains new ones)."""
    new: dict[str, str] = {}
    if "SEALING_PUBLIC_KEY" not in keys:
        new["SEALING_PUBLIC_KEY"], new["SEALING_PRIVATE_KEY"] = sealing_keys_generate()
    if "LEDGER_SIGNING_KEY" not in keys:
        new["LEDGER_SIGNING_KEY"] = signing_key_generate()
    for name in (
        "SIGNER_MAILBOX_KEY",
        "ACCESS_TRAIL_KEY",
        "ERASURE_RECORD_KEY",
        "NEWS_ADDRESS_KEY",
        "REMINDER_ADDRESS_KEY",
    ):
        if name not in keys:
            new[name] = secrets.token_urlsafe(32)
    return new
