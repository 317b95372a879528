from django.core.management.base import BaseCommand

from core.sealing import sealing_keys_generate


class Command(BaseCommand):
    help = (
        "Print a new key pair for sealing signers' data: the public key goes into the site's "
        "SEALING_PUBLIC_KEY; the private key goes offline, to the data officers, and never "
        "onto the server."
    )

    def handle(self, *args, **options) -> None:
        public, private = sealing_keys_generate()
        self.stdout.write(f"SEALING_PUBLIC_KEY={public}")
        self.stderr.write(
            "The private key follows. Keep it offline (a password manager, an encrypted USB "
            "key): without it no export can open the signers' sealed data, and with it anyone "
            "can."
        )
        self.stdout.write(f"private key: {private}")
