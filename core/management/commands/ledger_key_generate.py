from django.utils.translation import gettext_noop

from core.signing_keys import signing_key_generate, signing_key_load, verify_key_text
from core.translated_commands import TranslatedHelpCommand


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Print a new key for signing the public ledgers: LEDGER_SIGNING_KEY goes into the "
        "server's environment; the public key is what the ledger pages show."
    )

    def handle(self, *args, **options) -> None:
        seed = signing_key_generate()
        # Two lines of data, not translated: the first is appended to the environment file as
        # it is, and each key is cut from its line as sealing_keys_generate's are.
        self.stdout.write(f"LEDGER_SIGNING_KEY={seed}")
        self.stdout.write(f"public key: {verify_key_text(signing_key_load(seed))}")
