"""Claiming the rows of an outbox that are due, so that several senders share them.

Every sender of email keeps its outbox in PostgreSQL: a row says an email is owed, and from
when. Any number of senders claim from it at once, each a batch of its own:

- a sender skips the rows another sender holds at that moment (`FOR UPDATE SKIP LOCKED`)
  rather than wait for them: it takes the next ones due, and none is claimed twice;
- the claim moves a time on (the row's due time, or a claimed-until time), so the row is not
  due for anyone else while its sender works; the claim expires, so the rows of a sender that
  died fall due again, for the next one;
- the rows are read by the caller after the claiming transaction has committed, so the locks
  last one short statement, not the sending of a batch.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet


def due_rows_claim(
    due: QuerySet[Any], *, order_by: str, limit: int, claim: Mapping[str, Any]
) -> list[Any]:
    """Claim up to `limit` of the `due` rows, first by `order_by`; return their primary keys.

    `claim` is what the claim writes over the rows taken (a time pushed into the future, at
    which they are due again). Rows another sender holds are skipped, not waited for. The
    claim has committed when this returns: read the rows by these keys.
    """
    with transaction.atomic():
        claimed = list(
            due.select_for_update(skip_locked=True)
            .order_by(order_by)
            .values_list("pk", flat=True)[:limit]
        )
        if claimed:
            due.model._default_manager.filter(pk__in=claimed).update(**claim)
    return claimed
