"""The campaign's own knobs: signing, confirmation emails, staff accounts, deliveries, exports.

Those read from the environment are the operator's choices (docs/operations.md lists them);
the rest are constants of the design, named here so that tests can change them.
"""

from config.env import DEBUG, env

# Public pages are kept in each web worker's memory this long (0 turns it off); staff edits
# reach every worker within a second whatever this is.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0 if DEBUG else 10)
# A shared link's query keeps the page kept (core/public_cache.py): a signer's share code fills
# the sign form's hidden input, as the function named cleans it (the view's own); what networks,
# apps and newsletters add to a link changes nothing.
PUBLIC_PAGE_QUERY_INPUTS = {"src": ("referral_code", "petitions.share_codes.share_code_or_blank")}

# --- Signing -------------------------------------------------------------------------------------
# The IP address is never stored: only a fingerprint under a key drawn each day and gone the
# day after (core/rotating_keys.py).
# Signatures over a limit are kept and flagged for review instead of counted; 0 turns one off.
# Families, offices and universities share one address, so the IP limit is generous.
SIGNATURE_RATE_LIMIT_PER_IP_HASH = env.int("SIGNATURE_RATE_LIMIT_PER_IP_HASH", default=20)
SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN = env.int(
    "SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN", default=100
)
SIGNATURE_RATE_LIMIT_WINDOW = env.int("SIGNATURE_RATE_LIMIT_WINDOW", default=3600)  # seconds
# Burst limits over a shorter window: a script fires faster than any family or office signs.
SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH = env.int(
    "SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH", default=10
)
SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN = env.int(
    "SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN", default=30
)
SIGNATURE_RATE_LIMIT_BURST_WINDOW = env.int("SIGNATURE_RATE_LIMIT_BURST_WINDOW", default=60)
# Providers that millions share are never limited per domain.
SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS = env.list(
    "SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS",
    default=[
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr",
        "live.com", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "icloud.com", "me.com",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "bbox.fr", "gmx.fr",
        "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "yandex.ru", "mail.ru",
        "qq.com", "163.com",
    ],
)  # fmt: skip
# Bump when the privacy notice beside the sign button changes: each signature records it.
SIGNATURE_PRIVACY_NOTICE_VERSION = env.str("SIGNATURE_PRIVACY_NOTICE_VERSION", default="2025-1")

# Every count broken down by country (the letter to the authorities, the staff dashboard)
# merges the countries with fewer signers than this into "other countries": in a small
# diaspora, "Turkey: 1" points at a person.
COUNTRY_COUNT_THRESHOLD = env.int("COUNTRY_COUNT_THRESHOLD", default=10)

# --- Confirmation emails -------------------------------------------------------------------------
# How long a confirmation link works, and how many times a pending signer who signs again is
# sent it (the first email included).
SIGNATURE_CONFIRMATION_MAX_AGE = env.int("SIGNATURE_CONFIRMATION_MAX_AGE", default=30 * 86400)
SIGNATURE_CONFIRMATION_SEND_CAP = env.int("SIGNATURE_CONFIRMATION_SEND_CAP", default=3)
# ...but not before this many seconds have passed since the last one went: a button pressed
# twice, or a page sent again, asks for the link once, and spends none of the sends above.
SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS = env.int(
    "SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS", default=60
)
# How long a withdrawal link works; every email carries a fresh one.
SIGNATURE_WITHDRAW_LINK_MAX_AGE = env.int("SIGNATURE_WITHDRAW_LINK_MAX_AGE", default=365 * 86400)
# Confirmation emails one mailbox may be sent in a day, across the whole site, however its
# address is spelt (+tags, dots, quotes): nobody can turn the site against someone's inbox.
SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = env.int("SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY", default=3)
# A signer who has not confirmed this many hours after their confirmation email gets one
# reminder (within the mailbox's daily cap); 0: no reminders.
SIGNATURE_REMINDER_AFTER_HOURS = env.int("SIGNATURE_REMINDER_AFTER_HOURS", default=24)
# A sender holds its claim on an email this long, so that two never both send it.
SIGNATURE_CONFIRMATION_CLAIM_SECONDS = 60
# A server that says "later" (SMTP 4xx, greylisting) is asked again after a backoff that
# doubles from the first delay to the longest, with jitter, until this many hours after signing.
SIGNATURE_EMAIL_RETRY_BACKOFF = 60
SIGNATURE_EMAIL_RETRY_LONGEST = 3600
SIGNATURE_EMAIL_RETRY_HOURS = 48

# --- Withdrawal links on request -----------------------------------------------------------------
# A signer whose links have expired asks, by address, for a fresh link to withdraw each signature
# (petitions/withdrawal_links.py). Requests from one client fingerprint are limited, over the
# windows of signing's rate limits (SIGNATURE_RATE_LIMIT_WINDOW, ..._BURST_WINDOW): over a limit
# the answer is the same page, and nothing is sent; 0 turns one off.
WITHDRAWAL_LINK_REQUESTS_PER_IP_HASH = env.int("WITHDRAWAL_LINK_REQUESTS_PER_IP_HASH", default=10)
WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH = env.int(
    "WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH", default=3
)
# Emails of withdrawal links one mailbox may be sent in a day: a cap of their own, apart from
# SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY, so that typing a signer's address into the form never
# uses up the day's confirmation emails of their mailbox.
WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY = env.int(
    "WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY", default=2
)
# A sender holds its claim on a request this long, so that two never both send it.
WITHDRAWAL_LINK_CLAIM_SECONDS = 60

# --- The counter ---------------------------------------------------------------------------------
# Open pages ask for the count this often; each web worker answers from memory this long, and
# keeps the petition that signatures are posted to this long (0: never).
SIGNATURE_COUNT_POLL_SECONDS = 20
SIGNATURE_COUNT_CACHE_SECONDS = 2
SIGNATURE_PETITION_CACHE_SECONDS = 5

# --- Staff accounts ------------------------------------------------------------------------------
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Libérez Mamat")
# After this many failed passwords or codes within the window, an account is locked for
# STAFF_LOCKOUT_SECONDS (`manage.py staff_unlock USERNAME` lifts it sooner). A network (an IP
# address's HMAC) has a higher limit, so that one locked colleague does not lock the office.
STAFF_LOGIN_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=10)
STAFF_LOGIN_NETWORK_FAILURE_LIMIT = env.int("STAFF_LOGIN_NETWORK_FAILURE_LIMIT", default=30)
STAFF_LOGIN_FAILURE_WINDOW_SECONDS = env.int("STAFF_LOGIN_FAILURE_WINDOW_SECONDS", default=86400)
STAFF_LOCKOUT_SECONDS = env.int("STAFF_LOCKOUT_SECONDS", default=1800)
# A staff session ends after this long without a request.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=1800)
# How long after the password the second factor (or enrolment) may be given.
STAFF_SECOND_FACTOR_WINDOW_SECONDS = 600
# Trail entries older than this are deleted every night.
ACCESS_TRAIL_RETENTION_DAYS = env.int("ACCESS_TRAIL_RETENTION_DAYS", default=365)

# --- Deliveries ----------------------------------------------------------------------------------
# A Unicode TrueType font for the letter (Debian's fonts-dejavu-core by default); without one
# the letter falls back on a built-in font and Western European characters.
DELIVERY_PDF_FONT = env.str(
    "DELIVERY_PDF_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
# The files sent are kept this many days after sending when a petition has no schedule saying
# otherwise (DeliverySchedule.keep_files_days).
DELIVERY_FILES_KEEP_DAYS = env.int("DELIVERY_FILES_KEEP_DAYS", default=30)
# A delivery still "sending" this long after a worker claimed it was interrupted (the worker
# died): the next run sends it again, see deliveries.runs.deliveries_interrupted_resume.
DELIVERY_SEND_CLAIM_SECONDS = 15 * 60
# A server that says "later" is asked again after a backoff that doubles from the first delay to
# the longest, with jitter, for this many hours; then the delivery fails and staff are told.
DELIVERY_EMAIL_RETRY_BACKOFF = 60
DELIVERY_EMAIL_RETRY_LONGEST = 6 * 3600
DELIVERY_EMAIL_RETRY_HOURS = 48

# --- Exports, retention, the dashboard -----------------------------------------------------------
# Exports with more rows than this are written by a worker and downloaded from a link;
# smaller ones stream straight to the browser.
EXPORT_ASYNC_THRESHOLD = 50_000
# How long a prepared export's download link works; its file is deleted after that.
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=24)
# Signatures never confirmed are deleted this many days after signing.
RETENTION_PENDING_DAYS = env.int("RETENTION_PENDING_DAYS", default=30)
# A signature's IP fingerprint is forgotten this many days after signing: by then it has done
# its work (rate limits, review, an invalidation by source), and kept it would only link
# signers who came from one network on one day.
RETENTION_IP_FINGERPRINT_DAYS = env.int("RETENTION_IP_FINGERPRINT_DAYS", default=30)
# Signatures of a closed petition are anonymised this many months after its last delivery.
RETENTION_AFTER_DELIVERY_MONTHS = env.int("RETENTION_AFTER_DELIVERY_MONTHS", default=12)
# The age of the oldest database backup kept: the erasure journal must outlive every backup that
# could bring back what it records, and no longer (docs/operations.md, "Backups and restoring").
BACKUP_RETENTION_DAYS = env.int("BACKUP_RETENTION_DAYS", default=35)
# The dashboard's chart shows at most this many days (the latest ones).
DASHBOARD_CHART_DAYS = 90

# --- Updates to signers who asked for news ------------------------------------------------------
# A petition's signers get at most one update in this many days, unless an administrator lifts
# the limit for one update.
UPDATE_WEEKLY_DAYS = 7
# Emails a sender claims at once, and how long it holds them before another may send them.
UPDATE_BATCH_SIZE = 50
UPDATE_CLAIM_SECONDS = 120
# A server that says "later" is asked again after a backoff that doubles from the first delay
# to the longest, with jitter, until this many hours after the recipient's first attempt.
UPDATE_EMAIL_RETRY_BACKOFF = 60
UPDATE_EMAIL_RETRY_LONGEST = 3600
UPDATE_EMAIL_RETRY_HOURS = env.int("UPDATE_EMAIL_RETRY_HOURS", default=48)
