"""Production settings plus the two things only a benchmark run needs.

`bench/run.py` sets every other value through the same environment variables as production.
Mounting the ceiling view here rather than in config/urls.py means no production process can
ever serve it: it exists only where this module is the settings.
"""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Rate limits are off for the load (one address signs thousands of times); all else is on.
SIGNATURE_RATE_LIMIT_PER_IP_HASH = 0
SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN = 0
SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH = 0
SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN = 0
