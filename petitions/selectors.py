"""Reads of petitions and signatures that the pages, the worker and staff share.

The counter lives in petitions.counter, the public list of signers in petitions.recent_signers,
the dashboard's numbers in petitions.dashboard and the export's rows in petitions.exports.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet

from core.public_cache import public_object
from petitions.models import Petition, Signature, SignatureQuerySet, target_label_public


def petition_open_for_campaign(*, campaign) -> Petition | None:
    """Return the petition the campaign's pages invite people to sign, if one is open."""
    if not campaign:
        return None
    return Petition.objects.open_for_signing().filter(campaign=campaign).order_by("pk").first()


def petition_closed_for_campaign(*, campaign) -> Petition | None:
    """Return the campaign's last petition whose signing is over, for pages that invited people
    to sign it: they now say so, with its final count."""
    if not campaign:
        return None
    return Petition.objects.closed_for_signing().filter(campaign=campaign).order_by("-pk").first()


def petition_public_by_slug(*, slug: str) -> Petition | None:
    return (
        Petition.objects.public()
        .select_related("campaign")
        .prefetch_related("targets")
        .filter(slug=slug)
        .first()
    )


def petition_for_signing(*, slug: str) -> Petition | None:
    """Return the public petition a signature is posted to, from this worker's memory.

    A surge of signatures then costs no petition query; staff changes reach every worker
    within a second, and signature_create checks the dates again. The public petitions are
    kept together, by slug: an entry per address asked for would let anyone fill a worker's
    memory by posting to made-up ones.
    """
    petitions = public_object(
        "petitions:for-signing",
        seconds=settings.SIGNATURE_PETITION_CACHE_SECONDS,
        load=lambda: {petition.slug: petition for petition in Petition.objects.public()},
    )
    return petitions.get(slug)


def petition_by_id(*, petition_id: int) -> Petition:
    """Return a petition, whatever its status, from this worker's memory (emails about it)."""
    return public_object(
        f"petitions:by-id:{petition_id}",
        seconds=settings.SIGNATURE_PETITION_CACHE_SECONDS,
        # With its campaign, whose name signs the emails.
        load=lambda: Petition.objects.select_related("campaign").get(pk=petition_id),
    )


def petitions_several() -> bool:
    """Whether the site has more than one petition, drafts and closed ones included."""
    return Petition.objects.all()[:2].count() == 2


def petition_only() -> Petition | None:
    """Return the site's petition when it has just one, as most campaigns do; else None."""
    petitions = list(Petition.objects.all()[:2])
    return petitions[0] if len(petitions) == 1 else None


def petitions_with_status_counts(
    queryset: QuerySet[Petition], statuses: Iterable[str]
) -> QuerySet[Petition]:
    """Annotate each petition with `<status>_signatures`, its number in each status (for staff)."""
    return queryset.annotate(
        **{
            f"{status}_signatures": Count("signatures", filter=Q(signatures__status=status))
            for status in statuses
        }
    )


def signatures_estimated_count() -> int | None:
    """Return PostgreSQL's estimate of the number of signatures, or None without one.

    Counting a million rows takes a second; the planner's estimate, kept by ANALYZE and
    autovacuum, is free and close enough for "about how many pages".
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [Signature._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


def signatures_of_person(*, mailbox_hash: str) -> SignatureQuerySet:
    """Return every signature a mailbox gave, on every petition, not yet erased."""
    return Signature.objects.not_erased().filter(mailbox_hash=mailbox_hash)


def petitions_closed_delivered_before(*, moment: datetime) -> QuerySet[Petition]:
    """Return closed petitions whose last sent delivery went before `moment`.

    Read through the reverse relation that deliveries declares; petitions imports nothing
    of deliveries.
    """
    return (
        Petition.objects.filter(status=Petition.Status.CLOSED)
        .annotate(last_delivery_at=Max("deliveries__sent_at", filter=Q(deliveries__status="sent")))
        .filter(last_delivery_at__lt=moment)
    )


# The staff told when a delivery fails for good or a source surges (migration 0004 makes it).
PETITION_MANAGERS_GROUP = "Petition managers"


def petition_managers_emails() -> list[str]:
    """Return the addresses staff alerts go to: the active members of "Petition managers" and
    the superusers who have an email address."""
    from django.contrib.auth import get_user_model

    return sorted(
        set(
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__name=PETITION_MANAGERS_GROUP))
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def signatures_named_to_authorities(*, signatures: SignatureQuerySet) -> SignatureQuerySet:
    """Return these signers as many times as a sent delivery gave their name to the authorities.

    Read through the relation deliveries declares: petitions never imports that app.
    """
    return signatures.named_in_delivery().filter(
        deliveries_carried__delivery__sent_at__isnull=False,
        deliveries_carried__delivery__counts_only=False,
    )


# A delivery's status while a sender holds it (deliveries' Delivery.Status.SENDING): its list
# goes as it is. Named here, not imported: petitions never imports deliveries; a test of
# deliveries checks that the two agree.
DELIVERY_BEING_SENT = "sending"


class ListsNotYetSent(NamedTuple):
    """The lists of names not sent yet that name some signers, as hiding them finds them."""

    # A worker writes these again without the names hidden.
    rewritten: int
    # A sender holds these: they go as they are, or, should the attempt fail, are written
    # again before the next.
    being_sent: int
    # How many names each list to write again held when found: a list that names fewer
    # afterwards was written again (names are only ever taken out of a list not sent).
    named_counts: dict[int, int]


def lists_not_yet_sent_naming(*, signatures: SignatureQuerySet) -> ListsNotYetSent:
    """Count the lists of names not sent yet that name these signers: those hiding them has a
    worker write again without them, and those being sent at this moment.

    Read through the relation deliveries declares: petitions never imports that app.
    """
    lists = (
        signatures.named_in_delivery()
        .filter(
            deliveries_carried__delivery__sent_at__isnull=True,
            deliveries_carried__delivery__counts_only=False,
        )
        .order_by()
        .values_list(
            "deliveries_carried__delivery",
            "deliveries_carried__delivery__status",
            "deliveries_carried__delivery__named_count",
        )
        .distinct()
    )
    named_counts = {
        delivery: named for delivery, status, named in lists if status != DELIVERY_BEING_SENT
    }
    return ListsNotYetSent(
        rewritten=len(named_counts),
        being_sent=len(lists) - len(named_counts),
        named_counts=named_counts,
    )


def lists_written_again_count(*, lists: ListsNotYetSent) -> int:
    """Count the lists found by lists_not_yet_sent_naming that name fewer people now: those
    already written again (at once when tasks run in-process, as under `make run`)."""
    deliveries = Petition.deliveries.field.model._default_manager
    now = dict(deliveries.filter(pk__in=lists.named_counts).values_list("pk", "named_count"))
    return sum(
        1 for delivery, named in lists.named_counts.items() if now.get(delivery, named) < named
    )


def signatures_named_deliveries(*, signatures: SignatureQuerySet) -> list[Mapping[str, Any]]:
    """The sent deliveries that gave these signers' names to the authorities, the oldest first.

    Each as {"sent_at", "organisation", "name", "recipient"} of its recipient as the delivery
    recorded them when sent (staff may have renamed the target since), in the active language;
    "recipient" is how the public reads it.
    """
    # Read through the relations deliveries declares (petitions never imports that app), from
    # the delivery's side: only its manager reads the recorded name in the active language.
    rows = (
        Petition.deliveries.field.model._default_manager.filter(
            delivered_signatures__signature__in=signatures.named_in_delivery(),
            sent_at__isnull=False,
            counts_only=False,
        )
        .order_by("sent_at")
        .values("sent_at", "recipient_organisation", "recipient_name")
    )
    return [
        {
            "sent_at": row["sent_at"],
            "organisation": row["recipient_organisation"],
            "name": row["recipient_name"],
            "recipient": target_label_public(
                name=row["recipient_name"], organisation=row["recipient_organisation"]
            ),
        }
        for row in rows
    ]
