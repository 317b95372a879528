"""Erasure and retention: what staff and the calendar take out of the signature list.

A signer erased by staff, or a closed petition's signers once its retention has run, are
anonymised in place: the row keeps its petition, status, country and dates, so that counts,
the dashboard and the deliveries already made stay true, but nothing in it names anyone or
links back to them. Signatures never confirmed are deleted outright: nobody ever counted them.
(A signer's own withdrawal link erases their signature the same way, then deletes it:
petitions.signing.signature_withdraw.)

Staff's erasures and signers' withdrawals are also written to the erasure journal, outside the
database, so that restoring a backup does not bring them back (petitions/erasure_journal.py).
Retention is not: its rules apply again by themselves to whatever a restore brings back.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone
from django.utils.module_loading import import_string

from core.actors import Actor
from core.keyed_hashes import keyed_hash
from core.public_cache import public_content_changed
from petitions.erasure_journal import JournalKind, erasure_journal_purge, erasure_journal_record
from petitions.mailbox_caps import mailbox_daily_sends_purge
from petitions.mailboxes import email_normalize, mailbox_hash
from petitions.models import Signature, WithdrawalLinkRequest
from petitions.recent_signers import signers_recent_forget
from petitions.selectors import (
    petitions_closed_delivered_before,
    signatures_named_deliveries,
    signatures_of_person,
)
from staff.access_trail import access_event_record
from staff.models import AccessEvent

# Held by the Data officers (migration petitions 0004): who may erase a signer.
ERASE_PERMISSION = "petitions.erase_signer"
BATCH_ROWS = 5000


def email_fingerprint(email_normalized: str) -> str:
    """Return a keyed hash of an address: the trail can tell two erasures of one person apart
    from two people, without keeping the address it was asked to forget."""
    return keyed_hash(email_normalized, key=settings.ERASURE_RECORD_KEY, purpose="erasure")


def _anonymised_values(*, now: datetime) -> dict:
    # Keyed by a secret drawn here and thrown away: nothing can rebuild the placeholder from
    # the signer's old address or links, and every row gets its own (the pk is unique).
    secret = secrets.token_hex(16)
    row_hash = MD5(Concat(Cast("id", models.CharField()), Value(secret)))
    return {
        "first_name": "",
        "last_name": "",
        "email": "",
        "mailbox_hash": Concat(Value("erased-"), row_hash),
        "postcode": "",
        "comment": "",
        "sealed_data": None,
        "news_address": None,
        "reminder_address": None,
        "sealed_at": None,
        "ip_hash": "",
        "email_domain": "",
        "agent_family": "",
        # The old confirmation and withdrawal links carried public_id: they stop working.
        "public_id": Cast(
            MD5(Concat(Value(secret), Cast("id", models.CharField()))), models.UUIDField()
        ),
        # "~" is outside the alphabet of drawn codes, so these never collide with one.
        "share_code": Concat(Value("~"), Cast("id", models.CharField())),
        "referral_code": "",
        # Both ids name one email to this person: the ESP's logs and the recipient's mailbox
        # can match either to them.
        "email_message_id": "",
        "confirmation_message_id": "",
        # A refusal stored before addresses were redacted from it may quote their address.
        "email_error": "",
        "newsletter_opt_in": False,
        "show_first_name": False,
        "name_in_delivery": False,
        "erased_at": now,
    }


def signers_followers_tell(*, followers: str, signature_ids: list[int]) -> None:
    """Have the apps that keep copies of signers' data act on what befell these signers.

    Each app names its followers on its AppConfig, under `followers`: `erasure_followers`
    forget signers erased (delivery files, the mail servers' refusals of emails to them),
    `name_hiding_followers` names hidden (lists not yet delivered). So petitions imports none
    of the apps that build on it.
    """
    for app_config in apps.get_app_configs():
        for follower in getattr(app_config, followers, ()):
            import_string(follower)(signature_ids=signature_ids)


def signatures_anonymise(
    *, signatures: QuerySet[Signature], journal_as: JournalKind | None = JournalKind.ERASED
) -> int:
    """Anonymise signatures in place, in batches; return how many were anonymised.

    Every copy kept elsewhere (a delivery's list of names still on file, the latest signers
    on every worker's kept pages) forgets them too, and the erasure journal records them as
    `journal_as` (None: not at all, for what applies again by itself after a restore).
    """
    anonymised = 0
    petition_ids: set[int] = set()
    erased_ids: list[int] = []
    any_shown = False
    while True:
        batch = list(
            signatures.filter(erased_at__isnull=True)
            .order_by("pk")
            .values_list("pk", "petition_id", "show_first_name")[:BATCH_ROWS]
        )
        if not batch:
            break
        pks, batch_petition_ids, shown = zip(*batch, strict=True)
        with transaction.atomic():
            anonymised += Signature.objects.filter(pk__in=pks, erased_at__isnull=True).update(
                **_anonymised_values(now=timezone.now())
            )
        petition_ids.update(batch_petition_ids)
        erased_ids.extend(pks)
        any_shown = any_shown or any(shown)
    for petition_id in petition_ids:
        signers_recent_forget(petition_id=petition_id)
    if any_shown:
        # Pages kept with their first name are drawn again at once, as for a name staff hide,
        # rather than served for PUBLIC_PAGE_CACHE_SECONDS more.
        transaction.on_commit(public_content_changed)
    if erased_ids:
        signers_followers_tell(followers="erasure_followers", signature_ids=erased_ids)
        if journal_as is not None:
            erasure_journal_record(kind=journal_as, signature_ids=erased_ids)
    return anonymised


@dataclass(frozen=True)
class ErasureLookup:
    """What staff see before erasing a person: how many signatures, and which deliveries
    gave their name to the authorities (erasing cannot take it back from them)."""

    matches: int
    named_deliveries: list[Mapping[str, Any]]


def signer_erasure_lookup(*, email: str, actor: Actor, ip_hmac: str = "") -> ErasureLookup:
    """Say what a person gave, before erasing it; the look-up is trailed.

    Looking a person up is a search of signatures: the trail keeps a keyed hash of the
    address, never the address.
    """
    email_normalized = email_normalize(email)
    signatures = signatures_of_person(mailbox_hash=mailbox_hash(email))
    matches = signatures.count()
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.SEARCHED_SIGNATURES,
        target=Signature._meta.label,
        note=AccessEvent.Note.ERASURE_LOOKUP,
        query={"email_hmac": email_fingerprint(email_normalized)},
        row_count=matches,
        ip_hmac=ip_hmac,
    )
    return ErasureLookup(
        matches=matches,
        named_deliveries=signatures_named_deliveries(signatures=signatures) if matches else [],
    )


def signer_erase(*, email: str, actor: Actor, ip_hmac: str = "") -> int:
    """Erase what one person gave, on every petition; return how many signatures held it.

    The trail records the erasure with a keyed hash of the address, never the address.
    """
    email_normalized = email_normalize(email)
    erased = signatures_anonymise(signatures=signatures_of_person(mailbox_hash=mailbox_hash(email)))
    # Their request for withdrawal links, if one waits, could only be answered "no signature"
    # now; until then it would say that this mailbox asked.
    WithdrawalLinkRequest.objects.filter(mailbox_hash=mailbox_hash(email)).delete()
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.ERASED_SIGNER,
        target=Signature._meta.label,
        query={"email_hmac": email_fingerprint(email_normalized)},
        row_count=erased,
        ip_hmac=ip_hmac,
    )
    return erased


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def _days_before(now: datetime | None, days: int) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


def signatures_unconfirmed_delete(*, now: datetime | None = None) -> int:
    """Delete signatures never confirmed, RETENTION_PENDING_DAYS after signing."""
    cutoff = _days_before(now, settings.RETENTION_PENDING_DAYS)
    stale = Signature.objects.filter(
        status__in=[Signature.Status.PENDING, Signature.Status.FLAGGED],
        confirmed_at__isnull=True,
        created_at__lt=cutoff,
    )
    deleted = 0
    while True:
        ids = list(stale.order_by("pk").values_list("pk", flat=True)[:BATCH_ROWS])
        if not ids:
            return deleted
        deleted += (
            Signature.objects.filter(pk__in=ids, confirmed_at__isnull=True)
            .delete()[1]
            .get(Signature._meta.label, 0)
        )


def signatures_invalidated_unconfirmed_anonymise(*, now: datetime | None = None) -> int:
    """Anonymise signatures invalidated before their signer ever confirmed,
    RETENTION_PENDING_DAYS after signing, as other unconfirmed ones are deleted.

    Held by the rate limits and invalidated before any email went, they are never sealed
    (sealing waits for a confirmation or a sent email) and nothing else would take their data.
    Kept, anonymised, rather than deleted: the ledger counts the invalidated signatures, and a
    total that fell with no event to explain it would look like a rewrite.
    """
    cutoff = _days_before(now, settings.RETENTION_PENDING_DAYS)
    return signatures_anonymise(
        signatures=Signature.objects.filter(
            status=Signature.Status.INVALIDATED, confirmed_at__isnull=True, created_at__lt=cutoff
        ),
        journal_as=None,
    )


def signatures_ip_fingerprint_forget(*, now: datetime | None = None) -> int:
    """Blank the IP fingerprints of signatures RETENTION_IP_FINGERPRINT_DAYS after signing;
    return how many.

    The fingerprint serves rate limits, review and invalidations by source, all within days
    of a burst. Kept, it would let a copy of the database link signers who came from one
    network on one day: a signer who asked for nothing to a neighbour who asked to be named.
    """
    cutoff = _days_before(now, settings.RETENTION_IP_FINGERPRINT_DAYS)
    forgotten, after_pk = 0, 0
    while True:
        # Keyset pages: each batch starts past the last, never rereading blanked rows.
        ids = list(
            Signature.objects.filter(pk__gt=after_pk, created_at__lt=cutoff)
            .exclude(ip_hash="")
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_ROWS]
        )
        if not ids:
            return forgotten
        forgotten += Signature.objects.filter(pk__in=ids).update(ip_hash="")
        after_pk = ids[-1]


def signatures_after_delivery_anonymise(*, now: datetime | None = None) -> int:
    """Anonymise the signatures of closed petitions RETENTION_AFTER_DELIVERY_MONTHS after
    their last delivery (a closed petition never delivered keeps them for staff to decide)."""
    cutoff = _months_before(now or timezone.now(), settings.RETENTION_AFTER_DELIVERY_MONTHS)
    anonymised = 0
    for petition in petitions_closed_delivered_before(moment=cutoff):
        anonymised += signatures_anonymise(signatures=petition.signatures.all(), journal_as=None)
    return anonymised


def signatures_retention_apply(*, now: datetime | None = None) -> dict[str, int]:
    """Apply the retention rules, trail what took signers' data; return the numbers.

    The past days' counts of emails per mailbox go too: they name no one, but tell which
    mailboxes were emailed when; and so do old signatures' IP fingerprints, and the erasure
    journal's files older than any backup kept.
    """
    deleted = signatures_unconfirmed_delete(now=now)
    invalidated = signatures_invalidated_unconfirmed_anonymise(now=now)
    anonymised = signatures_after_delivery_anonymise(now=now)
    mailbox_days = mailbox_daily_sends_purge(today=timezone.localdate(now) if now else None)
    ip_fingerprints = signatures_ip_fingerprint_forget(now=now)
    journal_files = erasure_journal_purge(now=now)
    for note, count in (
        (AccessEvent.Note.RETENTION_UNCONFIRMED_DELETED, deleted),
        (AccessEvent.Note.RETENTION_INVALIDATED_ANONYMISED, invalidated),
        (AccessEvent.Note.RETENTION_CLOSED_PETITIONS_ANONYMISED, anonymised),
    ):
        if count:
            access_event_record(
                actor=None, action=AccessEvent.Action.ERASED_SIGNER, note=note, row_count=count
            )
    return {
        "deleted": deleted,
        "anonymised": invalidated + anonymised,
        "mailbox_days_deleted": mailbox_days,
        "ip_fingerprints_forgotten": ip_fingerprints,
        "erasure_journal_files_deleted": journal_files,
    }
