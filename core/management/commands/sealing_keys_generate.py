from django.utils.translation import gettext, gettext_noop

from core.sealing import sealing_keys_generate
from core.translated_commands import TranslatedHelpCommand


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Print a new key pair for sealing signers' data: the public key, on standard output, "
        "goes into the site's SEALING_PUBLIC_KEY; the private key, on standard error, goes "
        "offline, to the data officers, and never onto the server. Run it on a data "
        "officer's machine."
    )

    def handle(self, *args, **options) -> None:
        public, private = sealing_keys_generate()
        # The lines that carry a key are data, not translated: the public one is appended to
        # the environment file as it is, and each key is cut from its line.
        self.stdout.write(f"SEALING_PUBLIC_KEY={public}")
        self.stderr.write(
            gettext(
                "The private key follows. Keep it offline (a password manager, an encrypted USB "
                "key): without it no export can open the signers' sealed data, and with it "
                "anyone can."
            )
        )
        # On standard error, with the warning: `sealing_keys_generate >> mamat.env` must never
        # write the private key into the server's environment file.
        self.stderr.write(f"private key: {private}")
