"""Production settings plus the two things only a benchmark run needs.

`bench/run.py` sets every other value through the same environment variables as production.
Mounting the ceiling view here rather than in config/urls.py means no production process can
ever serve it: it exists only where this module is the settings.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, env

ROOT_URLCONF = "bench.urls"
# A run collects its own static files rather than overwrite a release's staticfiles/.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "build" / "bench" / "static")
