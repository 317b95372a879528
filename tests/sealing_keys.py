"""The private half of the test settings' SEALING_PUBLIC_KEY: what a data officer keeps offline."""

from core.sealing import Unsealer, private_key_parse

TEST_SEALING_PRIVATE_KEY = "LwhzIZU4ED8F+SrsXt6Zr/FOpPjxSgqrnyT4xNuPut8="
# A key of the right shape that is not the officers': opens nothing.
WRONG_PRIVATE_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def officers_unsealer() -> Unsealer:
    """Return what opens sealed records with the data officers' key, as an export does."""
    return Unsealer(private_key_parse(TEST_SEALING_PRIVATE_KEY))


def sealed_data_of(signature) -> dict[str, str]:
    """Return what a signature's sealed copy holds, read from the database."""
    signature.refresh_from_db()
    return officers_unsealer().unseal(signature.sealed_data)
