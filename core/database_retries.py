"""Writing down what already happened, even if the database is away for a few seconds.

Once the ESP has accepted an email, recording it is all that keeps it from being sent again.
If the database is unreachable at that moment (a restart, a network blip), the record is
tried again until the sender's claim ends, rather than given up at the first error.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_PAUSE_SECONDS = 1.0


def attempt_longest() -> timedelta:
    """Return how long one try may wait for a connection (the pool's timeout) before failing."""
    options = settings.DATABASES["default"].get("OPTIONS", {})
    pool = options.get("pool")
    seconds = pool.get("timeout", 30) if isinstance(pool, dict) else options.get("timeout", 5)
    return timedelta(seconds=seconds)


def database_write_retry(write: Callable[[], T], *, until: datetime) -> T:
    """Run `write` until it succeeds, trying again only while a try still ends before `until`.

    `until` is when others may act on the row (a sender's claim ends): a try begun earlier
    but waiting for the pool past it could record what another sender is redoing. So a new
    try starts only if it must end, succeed or fail, before `until`; after that the last
    error is raised. Between tries the broken connection is closed, so that the next try takes
    a new one. Errors of the data itself (an IntegrityError) are not the database being away,
    and are raised at once.
    """
    longest = attempt_longest()
    while True:
        try:
            return write()
        except IntegrityError:
            raise
        except DatabaseError:
            if timezone.now() + longest + timedelta(seconds=RETRY_PAUSE_SECONDS) >= until:
                raise
            logger.warning("A record waits for the database to answer again.", exc_info=True)
            connection.close()
            time.sleep(RETRY_PAUSE_SECONDS)
