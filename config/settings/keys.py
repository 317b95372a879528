"""The keys that protect signers, each with one purpose; none is derived from SECRET_KEY.

docs/operations.md ("Keys") says what each protects, where it lives and how to rotate it. In
production each comes from the environment and the site refuses to serve without them
(config/serving.py, `manage.py check --deploy`). Under DEBUG, `make run` writes development
keys into private/development-keys.json (`manage.py development_keys`), read from there.
"""

import json

from config.env import BASE_DIR, DEBUG, env

DEVELOPMENT_KEYS_FILE = BASE_DIR / "private" / "development-keys.json"
_development = (
    json.loads(DEVELOPMENT_KEYS_FILE.read_text())
    if DEBUG and DEVELOPMENT_KEYS_FILE.exists()
    else {}
)

# The data officers' public key (base64): signers' personal data is sealed to it. Its private
# half never touches the server.
SEALING_PUBLIC_KEY = env.str(
    "SEALING_PUBLIC_KEY", default=_development.get("SEALING_PUBLIC_KEY", "")
)
# The public halves (base64) of the officers' keys used before a rotation: their private halves
# are still accepted for an export, to open the records sealed to them.
SEALING_RETIRED_PUBLIC_KEYS = env.list("SEALING_RETIRED_PUBLIC_KEYS", default=[])
# Keys a keyed hash of a signer's mailbox is made with: one signature per mailbox, erasure by
# address, the daily cap of emails. Rotating it makes earlier signers unrecognisable. It is also
# mixed into the day's key of IP fingerprints (core/rotating_keys.py).
SIGNER_MAILBOX_KEY = env.str(
    "SIGNER_MAILBOX_KEY", default=_development.get("SIGNER_MAILBOX_KEY", "")
)
# Keys the access trail's fingerprints of staff's addresses and of login names.
ACCESS_TRAIL_KEY = env.str(
    "ACCESS_TRAIL_KEY",
    default=env.str("ACCESS_TRAIL_IP_HMAC_KEY", default=_development.get("ACCESS_TRAIL_KEY", "")),
)
# Keys the fingerprint of an erased address that the trail keeps as proof of the erasure.
ERASURE_RECORD_KEY = env.str(
    "ERASURE_RECORD_KEY", default=_development.get("ERASURE_RECORD_KEY", "")
)
# Encrypts what the server must read again but a copy of the database must not: the address
# of a signer who asked for news (core/secret_boxes.py).
NEWS_ADDRESS_KEY = env.str("NEWS_ADDRESS_KEY", default=_development.get("NEWS_ADDRESS_KEY", ""))
# Encrypts the copy of a pending signer's address kept for their one reminder, from their
# confirmation email until the reminder goes or they confirm (petitions/reminders.py).
REMINDER_ADDRESS_KEY = env.str(
    "REMINDER_ADDRESS_KEY", default=_development.get("REMINDER_ADDRESS_KEY", "")
)
# Signs the public ledger of each petition's count (petitions/ledger.py): an Ed25519 seed,
# base64 (`manage.py ledger_key_generate`). Its public half is printed on every ledger page.
LEDGER_SIGNING_KEY = env.str(
    "LEDGER_SIGNING_KEY", default=_development.get("LEDGER_SIGNING_KEY", "")
)
# The public halves (base64) of signing keys used before a rotation: entries they signed
# still verify with `manage.py ledger_verify`, and the ledger page lists them.
LEDGER_RETIRED_PUBLIC_KEYS = env.list("LEDGER_RETIRED_PUBLIC_KEYS", default=[])
# The keys of signers' IP fingerprints are not here: one is drawn each day, kept only in the
# shared cache, and gone once the day and the rate-limit window are over; SIGNER_MAILBOX_KEY is
# mixed in, so that a copy of the cache is not enough (core/rotating_keys.py).
