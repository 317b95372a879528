from django.core.management.base import BaseCommand

from core.signing_keys import signing_key_generate, signing_key_load, verify_key_text


class Command(BaseCommand):
    help = (
        "Print a new key for signing the public ledgers: LEDGER_SIGNING_KEY goes into the "
        "server's environment; the public key is what the ledger pages show."
    )

    def handle(self, *args, **options) -> None:
        seed = signing_key_generate()
        self.stdout.write(f"LEDGER_SIGNING_KEY={seed}")
        self.stdout.write(f"public key: {verify_key_text(signing_key_load(seed))}")
