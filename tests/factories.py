"""factory_boy factories shared by the test suite: one per model, defaults that just work."""

import factory
from django.utils import timezone

from campaign.models import Campaign
from petitions.mailboxes import mailbox_hash
from petitions.models import Petition, Signature, Target


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["slug"]

    slug = "liberez-mamat"
    name_fr = "Libérez Mamat"
    name_en = "Free Mamat"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    name = "Ambassadeur de la République populaire de Chine en France"
    title = "Ambassadeur"
    organisation = "Ambassade de la République populaire de Chine en France"
    email = factory.Sequence(lambda n: f"target-{n}@example.invalid")
    language = Target.Language.FRENCH


class PetitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Petition
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"petition-{n}")
    title_fr = "Libérez Mamat"
    title_en = "Free Mamat"
    text_fr = "Mamat est enfermé dans un camp du Xinjiang."
    text_en = "Mamat is held in a Xinjiang camp."
    demand_fr = "Libérez Mamat immédiatement."
    demand_en = "Release Mamat immediately."
    goal = 100
    status = Petition.Status.OPEN

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create:
            self.targets.add(*(extracted if extracted is not None else [TargetFactory()]))


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    petition = factory.SubFactory(PetitionFactory)
    first_name = factory.Sequence(lambda n: f"Signer{n}")
    last_name = "Dupont"
    email = factory.Sequence(lambda n: f"signer{n}@example.org")
    mailbox_hash = factory.LazyAttribute(lambda signature: mailbox_hash(signature.email))
    country = "FR"
    language = "fr"
    share_code = factory.Sequence(lambda n: f"code{n}")
    privacy_notice_version = "2025-1"
    consented_at = factory.LazyFunction(timezone.now)

    class Params:
        confirmed = factory.Trait(
            status=Signature.Status.CONFIRMED,
            confirmed_at=factory.LazyFunction(timezone.now),
            confirmation_sent_at=factory.LazyFunction(timezone.now),
            confirmation_send_count=1,
            email_status=Signature.EmailStatus.SENT,
        )
