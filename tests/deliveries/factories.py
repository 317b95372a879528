"""Factories for deliveries, and a fast way to make many confirmed signatures."""

import itertools

import factory
from django.utils import timezone

from deliveries.addresses import APPROVALS_NEEDED
from deliveries.models import AddressApproval, DeliverySchedule
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from tests.factories import PetitionFactory

COUNTRIES = ["FR", "DE", "KZ", "TR", "US"]
_numbers = itertools.count(1)


class DeliveryScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliverySchedule

    petition = factory.SubFactory(PetitionFactory)
    every_days = 7
    threshold = None


def confirmed_signatures_create(petition, count: int, *, named_every: int = 3) -> list[Signature]:
    """Create `count` confirmed signatures in one INSERT; every `named_every`th asks to be named.

    Each carries an email, an IP fingerprint, a postcode and a comment, so that tests can check
    that none of them ever leaves in a delivery.
    """
    now = timezone.now()
    signatures = []
    for index in range(count):
        number = next(_numbers)
        signatures.append(
            Signature(
                petition=petition,
                first_name=f"Prénom{number}",
                last_name=f"Nom{number}",
                email=f"secret-{number}@example.org",
                mailbox_hash=mailbox_hash(f"secret-{number}@example.org"),
                country=COUNTRIES[index % len(COUNTRIES)],
                postcode=f"PC{number:05d}",
                comment=f"private comment {number}",
                language="fr",
                status=Signature.Status.CONFIRMED,
                created_at=now,
                confirmed_at=now,
                ip_hash=f"{number:064x}",
                share_code=f"dlv{number}",
                privacy_notice_version="2025-1",
                consented_at=now,
                name_in_delivery=index % named_every == 0,
            )
        )
    return Signature.objects.bulk_create(signatures, batch_size=1000)


def address_approved(target):
    """Give the target's current address the approvals a first delivery needs; return it."""
    AddressApproval.objects.bulk_create(
        AddressApproval(target=target, email=target.email) for _ in range(APPROVALS_NEEDED)
    )
    return target
