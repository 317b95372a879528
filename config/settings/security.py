"""HTTPS, security headers, the content security policy, and the proxies in front."""

from csp.constants import NONCE, NONE, SELF

from config.env import DEBUG, env

# Nothing leaves the origin: every asset is ours and no inline script runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE only reaches the header of pages that use it (the admin's rich text editor).
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How many proxies in front append to X-Forwarded-For (0: the connecting address is the
# client's). One setting for every use of the client's address (core/client_address.py).
# It replaces SIGNATURE_TRUSTED_PROXY_COUNT and STAFF_TRUSTED_PROXY_COUNT, still read when it
# is unset; `manage.py check` warns about them.
DEPRECATED_ENVIRONMENT_USED = [
    (old, new)
    for old, new in (
        ("SIGNATURE_TRUSTED_PROXY_COUNT", "TRUSTED_PROXY_COUNT"),
        ("STAFF_TRUSTED_PROXY_COUNT", "TRUSTED_PROXY_COUNT"),
        ("ACCESS_TRAIL_IP_HMAC_KEY", "ACCESS_TRAIL_KEY"),
        ("SIGNATURE_IP_HMAC_KEY", "nothing: signers' IP keys are drawn each day"),
    )
    if old in env.ENVIRON
]
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT",
    default=max(
        env.int("SIGNATURE_TRUSTED_PROXY_COUNT", default=0),
        env.int("STAFF_TRUSTED_PROXY_COUNT", default=0),
    ),
)
