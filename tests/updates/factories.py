"""Factories for updates to signers: one as its writer leaves it, and one approved for sending."""

import factory

from tests.factories import PetitionFactory
from updates import approval
from updates.models import SupporterUpdate


class SupporterUpdateFactory(factory.django.DjangoModelFactory):
    """A draft update in French and English; pass `created_by`, the staff member who wrote it."""

    class Meta:
        model = SupporterUpdate

    petition = factory.SubFactory(PetitionFactory)
    subject_fr = "Des nouvelles de Mamat"
    body_fr = "<p>Nous avons remis vos signatures à l’ambassade.</p>"
    subject_en = "News of Mamat"
    body_en = "<p>We handed your signatures to the embassy.</p>"


def update_approved(*, petition, writer, approver=None, **fields) -> SupporterUpdate:
    """Write an update, submit it and have `approver` (by default its writer) approve it.

    Through the approval service, as staff do, so that it carries what approving records.
    """
    update = SupporterUpdateFactory(petition=petition, created_by=writer, **fields)
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=approver or writer)
    return update
