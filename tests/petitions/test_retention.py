"""What the calendar takes: unconfirmed signatures, and closed petitions' signers in time."""

from datetime import timedelta

import pytest
from django.utils import timezone

from deliveries.models import Delivery
from petitions import erasure, ledger, review, sealing
from petitions.models import MailboxDailySends, Petition, Signature
from petitions.tasks import signatures_retention_apply
from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _delivered(petition: Petition, *, sent_at) -> Delivery:
    return Delivery.objects.create(
        petition=petition,
        target=petition.targets.get(),
        language="fr",
        reference="ref",
        status=Delivery.Status.SENT,
        sent_at=sent_at,
    )


def test_signatures_never_confirmed_are_deleted_after_the_set_days(settings):
    settings.RETENTION_PENDING_DAYS = 30
    stale = SignatureFactory(created_at=_days_ago(31))
    stale_flagged = SignatureFactory(created_at=_days_ago(31), status=Signature.Status.FLAGGED)
    recent = SignatureFactory(created_at=_days_ago(29))
    confirmed = SignatureFactory(created_at=_days_ago(400), confirmed=True)

    assert erasure.signatures_unconfirmed_delete() == 2

    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {recent.pk, confirmed.pk}
    assert stale.pk not in remaining and stale_flagged.pk not in remaining


def test_a_signer_invalidated_before_any_email_went_is_anonymised_with_the_count_kept(
    settings,
):
    """Held by the rate limits, then invalidated by staff: no email, so nothing ever sealed them."""
    settings.RETENTION_PENDING_DAYS = 30
    held = SignatureFactory(
        created_at=_days_ago(31), status=Signature.Status.FLAGGED, email="held@example.org"
    )
    held_recently = SignatureFactory(created_at=_days_ago(29), status=Signature.Status.FLAGGED)
    review.signatures_invalidate(
        signatures=Signature.objects.all(), reason="A bot's burst from one network"
    )
    assert held.pk not in set(sealing.signatures_sealable().values_list("pk", flat=True))
    invalidated_before = ledger.petition_invalidated_by_reason(petition=held.petition)

    assert erasure.signatures_retention_apply() == {
        "deleted": 0,
        "anonymised": 1,
        "mailbox_days_deleted": 0,
        "ip_fingerprints_forgotten": 0,
        "erasure_journal_files_deleted": 0,
    }

    held.refresh_from_db()
    assert (held.email, held.first_name, held.last_name, held.ip_hash) == ("", "", "", "")
    assert held.status == Signature.Status.INVALIDATED  # still counted where the ledger counts
    assert ledger.petition_invalidated_by_reason(petition=held.petition) == invalidated_before
    held_recently.refresh_from_db()
    assert held_recently.email and held_recently.erased_at is None


def test_closed_petitions_signers_are_anonymised_months_after_the_last_delivery(settings):
    settings.RETENTION_AFTER_DELIVERY_MONTHS = 12
    closed = PetitionFactory(status=Petition.Status.CLOSED)
    signatures = SignatureFactory.create_batch(3, petition=closed, confirmed=True)
    _delivered(closed, sent_at=_days_ago(800))
    _delivered(closed, sent_at=_days_ago(380))

    assert erasure.signatures_after_delivery_anonymise() == 3

    for signature in signatures:
        signature.refresh_from_db()
        assert signature.erased_at is not None and signature.first_name == ""
        assert signature.status == Signature.Status.CONFIRMED
    assert Signature.objects.confirmed().filter(petition=closed).count() == 3


@pytest.mark.parametrize(
    ("status", "last_delivery_days_ago"),
    [
        (Petition.Status.CLOSED, 200),  # delivered too recently
        (Petition.Status.OPEN, 800),  # still taking signatures
        (Petition.Status.CLOSED, None),  # never delivered: staff decide
    ],
)
def test_other_petitions_keep_their_signers(settings, status, last_delivery_days_ago):
    settings.RETENTION_AFTER_DELIVERY_MONTHS = 12
    petition = PetitionFactory(status=status)
    signature = SignatureFactory(petition=petition, confirmed=True)
    if last_delivery_days_ago is not None:
        _delivered(petition, sent_at=_days_ago(last_delivery_days_ago))

    assert erasure.signatures_after_delivery_anonymise() == 0
    signature.refresh_from_db()
    assert signature.erased_at is None


def test_beat_applies_retention_daily_safely_twice_and_trails_it(settings):
    settings.RETENTION_PENDING_DAYS = 30
    SignatureFactory.create_batch(2, created_at=_days_ago(60))

    first = signatures_retention_apply.delay().get()
    second = signatures_retention_apply.delay().get()

    assert (first["deleted"], second["deleted"]) == (2, 0)
    assert first["anonymised"] == second["anonymised"] == 0
    schedule = settings.CELERY_BEAT_SCHEDULE["petitions-retention-apply"]
    assert schedule["task"] == signatures_retention_apply.name
    assert schedule["schedule"] == 24 * 3600
    event = AccessEvent.objects.get(action=AccessEvent.Action.ERASED_SIGNER)
    assert (event.actor, event.row_count) == (None, 2)


def test_a_signatures_ip_fingerprint_is_forgotten_once_its_days_are_over(settings):
    settings.RETENTION_IP_FINGERPRINT_DAYS = 30
    household = "f" * 64  # two signers of one network: their rows must not stay linked
    old = SignatureFactory(created_at=_days_ago(31), confirmed=True, ip_hash=household)
    neighbour = SignatureFactory(created_at=_days_ago(40), confirmed=True, ip_hash=household)
    recent = SignatureFactory(created_at=_days_ago(2), confirmed=True, ip_hash="e" * 64)

    first = erasure.signatures_retention_apply()
    second = erasure.signatures_retention_apply()

    assert (first["ip_fingerprints_forgotten"], second["ip_fingerprints_forgotten"]) == (2, 0)
    assert dict(Signature.objects.values_list("pk", "ip_hash")) == {
        old.pk: "",
        neighbour.pk: "",
        recent.pk: "e" * 64,  # still there for rate limits, review and invalidations
    }
    assert Signature.objects.filter(status=Signature.Status.CONFIRMED).count() == 3


def test_months_are_counted_on_the_calendar():
    moment = timezone.now().replace(year=2026, month=3, day=31)

    assert erasure._months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert erasure._months_before(moment, 12).date().isoformat() == "2025-03-28"


def test_retention_forgets_which_mailboxes_were_emailed_once_the_cap_no_longer_needs_it():
    today = timezone.localdate()
    for days_ago in (0, 1, 2, 30):
        MailboxDailySends.objects.create(
            mailbox_hash=f"fingerprint-{days_ago}", day=today - timedelta(days=days_ago), count=1
        )

    first = signatures_retention_apply.delay().get()
    second = signatures_retention_apply.delay().get()

    # Today's count is the one the cap reads; yesterday's stays for a run just after midnight.
    kept = set(MailboxDailySends.objects.values_list("day", flat=True))
    assert kept == {today, today - timedelta(days=1)}
    assert (first["mailbox_days_deleted"], second["mailbox_days_deleted"]) == (2, 0)
