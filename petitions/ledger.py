"""The public ledger: a petition's count, stated each day and at each change, signed and chained.

Each entry states the confirmed total (also by country) and the invalidated totals by reason
at that moment, and what an invalidation or a delivery changed. Its content is canonical JSON;
its SHA-256 is chained into the next entry, and it is signed with LEDGER_SIGNING_KEY
(Ed25519), whose public half is on the ledger page. Anyone holding a copy can check it with
scripts/verify_ledger.py; a later copy that disagrees with an archived one proves a rewrite.

It names nobody: counts by country are merged below COUNTRY_COUNT_THRESHOLD, reasons are
categories (never the free text staff typed), and no signer's data is read.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from nacl.signing import SigningKey

from core.signing_keys import signing_key_load, verify_key_text
from petitions.country_counts import country_counts_merged, country_label
from petitions.models import Invalidation, LedgerEntry, Petition, Signature, target_label_public
from scripts.verify_ledger import LEDGER_FORMAT, LedgerEntryBad, ledger_check

# What an invalidation by hand in the signature list counts under (petitions/review.py).
REVIEW_REASON = "staff_review"


def _canonical(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _time_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ledger_public_key() -> str:
    """Return the public half of the key entries are signed with now (base64)."""
    return verify_key_text(signing_key_load(settings.LEDGER_SIGNING_KEY))


def ledger_public_keys() -> list[str]:
    """Return every public key an entry may be signed with: today's first, then retired ones."""
    return [ledger_public_key(), *settings.LEDGER_RETIRED_PUBLIC_KEYS]


def petition_invalidated_by_reason(*, petition: Petition) -> dict[str, int]:
    """Return how many of the petition's signatures are invalidated, by reason category."""
    rows = (
        Signature.objects.filter(petition=petition, status=Signature.Status.INVALIDATED)
        .values(reason=F("invalidation__reason_category"))
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_reason: dict[str, int] = {}
    for row in rows:
        reason = row["reason"] or REVIEW_REASON
        by_reason[reason] = by_reason.get(reason, 0) + row["count"]
    return dict(sorted(by_reason.items()))


def _state(petition: Petition) -> dict:
    confirmed = Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
    by_country = confirmed.order_by().values_list("country").annotate(count=Count("pk"))
    by_reason = petition_invalidated_by_reason(petition=petition)
    by_source = dict(confirmed.order_by().values_list("source").annotate(count=Count("pk")))
    return {
        "confirmed_total": confirmed.count(),
        # Online and on paper sheets typed in by staff (petitions/paper.py), counted apart.
        "confirmed_by_source": {
            "online": by_source.get("online", 0),
            "paper": by_source.get("paper", 0),
        },
        # Merged below COUNTRY_COUNT_THRESHOLD: a country with few signers names no one.
        "confirmed_by_country": country_counts_merged((code, count) for code, count in by_country),
        "invalidated_total": sum(by_reason.values()),
        "invalidated_by_reason": by_reason,
    }


def _signature_text(key: SigningKey, body: str) -> str:
    return base64.b64encode(key.sign(body.encode()).signature).decode("ascii")


def ledger_entry_append(
    *, petition: Petition, event: str, detail: dict | None = None
) -> LedgerEntry:
    """Append a signed entry stating the petition's count now, and what `event` changed."""
    key = signing_key_load(settings.LEDGER_SIGNING_KEY)
    with transaction.atomic():
        # One writer at a time per petition: two entries must never claim the same place.
        Petition.objects.select_for_update().filter(pk=petition.pk).first()
        previous = petition.ledger_entries.order_by("-sequence").first()
        now = timezone.now()
        content = {
            "format": LEDGER_FORMAT,
            "petition": petition.slug,
            "sequence": previous.sequence + 1 if previous else 1,
            "previous_hash": previous.entry_hash if previous else "",
            "recorded_at": _time_text(now),
            "event": event,
            "public_key": verify_key_text(key),
            **_state(petition),
        }
        if detail is not None:
            content[event] = detail
        body = _canonical(content)
        return LedgerEntry.objects.create(
            petition=petition,
            sequence=content["sequence"],
            event=event,
            recorded_at=now,
            body=body,
            entry_hash=hashlib.sha256(body.encode()).hexdigest(),
            signature=_signature_text(key, body),
        )


def _delivery_detail(petition: Petition, delivery_id: int) -> dict | None:
    # Read through the relation deliveries declares: petitions never imports that app.
    row = (
        petition.deliveries.filter(pk=delivery_id, sent_at__isnull=False)
        .values(
            "pk",
            "sent_at",
            # The recipient as it was when sent (a target renamed since keeps its old name here).
            "recipient_name",
            "recipient_organisation",
            "total_count",
            "cumulative_count",
            "counts_by_country",
            "letter_sha256",
            "csv_sha256",
        )
        .first()
    )
    if row is None or row["sent_at"] is None:
        return None
    files = {"letter.pdf": row["letter_sha256"]}
    if row["csv_sha256"]:
        files["signers.csv"] = row["csv_sha256"]
    return {
        "id": row["pk"],
        "sent_at": _time_text(row["sent_at"]),
        "target": target_label_public(
            name=row["recipient_name"], organisation=row["recipient_organisation"]
        ),
        "new_signatures": row["total_count"],
        "delivered_in_all": row["cumulative_count"],
        "by_country": country_counts_merged((row["counts_by_country"] or {}).items()),
        "files_sha256": files,
    }


def ledger_delivery_record(*, delivery_id: int) -> LedgerEntry | None:
    """Append the entry of a delivery just sent: date, recipient, counts, the files' SHA-256."""
    petition = Petition.objects.filter(deliveries__pk=delivery_id).first()
    if petition is None:
        return None
    detail = _delivery_detail(petition, delivery_id)
    if detail is None:
        return None
    return ledger_entry_append(petition=petition, event=LedgerEntry.Event.DELIVERY, detail=detail)


def _deliveries_catch_up(petition: Petition) -> int:
    """Append the entries of sent deliveries the ledger lacks (a worker died before writing)."""
    recorded = {
        json.loads(body)[LedgerEntry.Event.DELIVERY]["id"]
        for body in petition.ledger_entries.filter(event=LedgerEntry.Event.DELIVERY).values_list(
            "body", flat=True
        )
    }
    missing = (
        petition.deliveries.filter(sent_at__isnull=False)
        .exclude(pk__in=recorded)
        .order_by("sent_at", "pk")
        .values_list("pk", flat=True)
    )
    for delivery_id in missing:
        ledger_delivery_record(delivery_id=delivery_id)
    return len(missing)


def ledger_daily_append(*, now: datetime | None = None) -> int:
    """Append today's entry to each public petition's ledger that lacks one; return how many.

    Beat runs it every hour, so a missed hour or a second run changes nothing.
    """
    now = now or timezone.now()
    day_start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    recently = now - timedelta(days=30)
    petitions = (
        Petition.objects.public()
        .filter(
            Q(status=Petition.Status.OPEN)
            | Q(updated_at__gte=recently)
            | Q(closes_at__gte=recently)
        )
        .exclude(
            ledger_entries__event=LedgerEntry.Event.DAILY,
            ledger_entries__recorded_at__gte=day_start,
        )
    )
    appended = 0
    for petition in petitions:
        _deliveries_catch_up(petition)
        ledger_entry_append(petition=petition, event=LedgerEntry.Event.DAILY)
        appended += 1
    return appended


def ledger_document(*, petition: Petition) -> dict:
    """Return the ledger as published in JSON: each entry's signed content, hash and signature."""
    return {
        "format": LEDGER_FORMAT,
        "petition": petition.slug,
        "title": petition.title,
        "url": f"{settings.SITE_URL}{petition.get_absolute_url()}",
        "public_keys": ledger_public_keys(),
        "verify": "python3 verify_ledger.py ledger.json --public-key KEY",
        "entries": [
            {
                "sequence": entry.sequence,
                "hash": entry.entry_hash,
                "signature": entry.signature,
                "body": entry.body,
            }
            for entry in petition.ledger_entries.order_by("sequence")
        ],
    }


def reason_label(code: str) -> str:
    """Return the name of an invalidation reason category, in the active language."""
    labels = {REVIEW_REASON: gettext("Invalidated by staff in review")}
    labels.update((value, str(label)) for value, label in Invalidation.Reason.choices)
    return str(labels.get(code, code))


@dataclass(frozen=True)
class LedgerRow:
    """An entry as the public page shows it."""

    entry: LedgerEntry
    content: dict

    @property
    def reasons(self) -> list[tuple[str, int]]:
        by_reason = self.content.get("invalidated_by_reason", {})
        return [(reason_label(code), count) for code, count in by_reason.items()]

    @property
    def countries(self) -> list[tuple[str, int]]:
        by_country = self.content.get("confirmed_by_country", {})
        return [(country_label(code), count) for code, count in by_country.items()]

    @property
    def delivery(self) -> dict | None:
        return self.content.get(LedgerEntry.Event.DELIVERY)

    @property
    def invalidation(self) -> dict | None:
        return self.content.get(LedgerEntry.Event.INVALIDATION) or self.content.get(
            LedgerEntry.Event.INVALIDATION_UNDONE
        )


def ledger_rows(*, petition: Petition) -> list[LedgerRow]:
    """Return the ledger's entries, newest first, with their content read."""
    return [
        LedgerRow(entry=entry, content=json.loads(entry.body))
        for entry in petition.ledger_entries.order_by("-sequence")
    ]


def _delivery_sent_part(detail: dict | None) -> dict | None:
    """Return what a delivery's entry says was sent, without the recipient's name (checked by
    _delivery_recipient_matches). The date, counts and files' SHA-256 never change."""
    if detail is None:
        return None
    return {key: value for key, value in detail.items() if key != "target"}


def _delivery_recipient_matches(petition: Petition, recorded: dict) -> bool:
    """Tell whether a delivery's entry names the recipient its letter named, as the delivery
    recorded it.

    An entry names the recipient in the language active when it was written (a worker's, or
    that of the staff member who delivered now): the name in any of the site's languages
    will do. Checked only where the delivery recorded the name with its letter
    (`recipient_recorded`): one sent before was given by deliveries' migration 0017 its
    target's name on the day the migration ran, while its entry, written when it went, named
    the target as it was then; a target renamed between the two would fail a true ledger.
    """
    deliveries = petition.deliveries.filter(pk=recorded["id"], recipient_recorded=True)
    names = set()
    for language in settings.MODELTRANSLATION_LANGUAGES:
        # Read through the relation: its manager gives each language's name, with fallbacks.
        with translation.override(language):
            row = deliveries.values("recipient_name", "recipient_organisation").first()
        if row is None:
            return True
        names.add(
            target_label_public(
                name=row["recipient_name"], organisation=row["recipient_organisation"]
            )
        )
    return recorded.get("target") in names


def ledger_verify(*, petition: Petition) -> int:
    """Check the petition's ledger as stored; return its number of entries.

    Raises LedgerEntryBad naming the first entry that fails: an altered content, hash or
    signature, a broken chain, or a delivery whose recorded counts, files' SHA-256 or
    recipient differ from what the site holds about it now.
    """
    contents = ledger_check(
        ledger_document(petition=petition), trusted_keys=set(ledger_public_keys())
    )
    for content in contents:
        recorded = content.get(LedgerEntry.Event.DELIVERY)
        if recorded is None:
            continue
        held_now = _delivery_sent_part(_delivery_detail(petition, recorded["id"]))
        sent_as_recorded = held_now == _delivery_sent_part(recorded)
        if not sent_as_recorded or not _delivery_recipient_matches(petition, recorded):
            raise LedgerEntryBad(
                content["sequence"],
                f"delivery {recorded['id']} no longer matches what the site holds about it",
            )
    return len(contents)
