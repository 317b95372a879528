"""Writing down what already happened, even if the database is away for a few seconds.

Once the ESP has accepted an email, recording it is all that keeps it from being sent again.
If the database is unreachable at that moment (a restart, a network blip), the record is
tried again until the sender's claim ends, rather than given up at the first error.
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_PAUSE_SECONDS = 1.0


def database_write_retry(write: Callable[[], T], *, until: datetime) -> T:
    """Run `write` until it succeeds or `until` passes; raise its last error after that.

    Between tries the broken connection is closed, so that the next try takes a new one.
    Errors of the data itself (an IntegrityError) are not the database being away, and are
    raised at once.
    """
    while True:
        try:
            return write()
        except IntegrityError:
            raise
        except DatabaseError:
            if timezone.now() >= until:
                raise
            logger.warning("A record waits for the database to answer again.", exc_info=True)
            connection.close()
            time.sleep(RETRY_PAUSE_SECONDS)
