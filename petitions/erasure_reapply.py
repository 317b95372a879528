"""After a database restore: withdraw, erase and hide again what the erasure journal records.

A backup holds every signer who withdrew, was erased or had their name hidden after it was
taken; restored, they would be listed on the public page and named in the next delivery. This
runs once the database is restored and migrated, before the site reopens
(docs/operations.md, "Backups and restoring"). Each line is applied only if the database no
longer shows it, so a second run, or a run after no restore at all, changes nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet

from petitions.counter import petition_count_reconcile
from petitions.erasure import signatures_anonymise
from petitions.erasure_journal import JournalKind, erasure_journal_entries
from petitions.models import Signature
from petitions.name_review import signatures_name_hide

# How near a journaled signing time the row's must be: a backup restored from a dump that keeps
# milliseconds (JSON's) still matches; a newcomer is made long after the restore.
SIGNED_AT_MARGIN = timedelta(milliseconds=1)


def _withdrawal_reapply(*, signatures: QuerySet[Signature]) -> int:
    with transaction.atomic():
        # Erased first, as the signer's own withdrawal did: delivery files on record forget them.
        signatures_anonymise(signatures=signatures, journal_as=None)
        return signatures.delete()[1].get(Signature._meta.label, 0)


def erasures_reapply() -> dict[str, int]:
    """Apply the erasure journal to the database again; return how many of each kind changed.

    The journal already holds these lines, so what this does is not journaled a second time.
    """
    applied = {kind.value: 0 for kind in JournalKind}
    petition_ids: set[int] = set()
    for kind, signature_id, journaled_at, signed_at in erasure_journal_entries():
        # A restored database hands out again the numbers of rows it never held: the line is
        # for the signature of that number made at that moment (an older line knows only that
        # it was made before the line was written), never for a newcomer given the number.
        signatures = Signature.objects.filter(pk=signature_id).filter(
            Q(created_at__range=(signed_at - SIGNED_AT_MARGIN, signed_at + SIGNED_AT_MARGIN))
            if signed_at
            else Q(created_at__lte=journaled_at)
        )
        petition_id = signatures.values_list("petition_id", flat=True).first()
        if petition_id is None:
            # Gone already (withdrawn again, deleted by retention), or the number is another's.
            continue
        if kind == JournalKind.WITHDRAWN:
            changed = _withdrawal_reapply(signatures=signatures)
        elif kind == JournalKind.ERASED:
            changed = signatures_anonymise(signatures=signatures, journal_as=None)
        else:
            changed = signatures_name_hide(signatures=signatures, actor=None, journaled=False)
        if changed:
            applied[kind.value] += 1
            petition_ids.add(petition_id)
    for petition_id in sorted(petition_ids):
        petition_count_reconcile(petition_id=petition_id)
    return applied
