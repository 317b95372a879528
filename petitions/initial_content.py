"""The Mamat petition as first published (French first, English complete), and its loader.

Written from the campaign's facts (shared/campaign/FACTS.md). The target is a placeholder that
staff must replace in admin before any delivery: never a real embassy address here.
`load_campaign` calls `petition_load_initial` after the campaign's own pages are loaded.
"""

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import transaction
from django.utils.translation import gettext, ngettext

from campaign.models import Campaign
from core.translated_content import translated_field_values
from petitions.models import Petition, Target

CAMPAIGN_SLUG = "liberez-mamat"

PETITION = {
    "slug": "liberez-mamat",
    "status": "open",
    "goal": 1000,
    "title": {
        "fr": "Libérez Mamat, enfermé dans un camp du Xinjiang",
        "en": "Free Mamat, held in a Xinjiang camp",
    },
    "text": {
        "fr": (
            "Mamat, un Ouïghour du Xinjiang, est enfermé depuis environ quatre ans dans un camp "
            "d'internement. La seule nouvelle parvenue à sa famille est sa peine\u202f: 16 ou 17 "
            "ans d'enfermement, sans doute pour sa pratique religieuse et ses contacts avec son "
            "frère à l'étranger. Depuis, ses proches ne savent ni où il est, ni comment il va. Il "
            "souffre de troubles mentaux et n'est pas soigné."
        ),
        "en": (
            "Mamat, a Uyghur man from Xinjiang, has been held in an internment camp for about "
            "four years. The only news that reached his family was his sentence: 16 or 17 years "
            "of confinement, most likely for practising his religion and for staying in touch "
            "with his brother abroad. Since then his relatives have not known where he is or how "
            "he is. He suffers from mental illness and gets no care."
        ),
    },
    "demand": {
        "fr": (
            "Nous demandons aux autorités de la République populaire de Chine\u202f:\n"
            "- de libérer Mamat immédiatement\u202f;\n"
            "- de lui donner accès sans délai à des soins médicaux adaptés\u202f;\n"
            "- d'informer sa famille du lieu et des conditions de sa détention."
        ),
        "en": (
            "We call on the authorities of the People's Republic of China:\n"
            "- to release Mamat immediately;\n"
            "- to give him access to adequate medical care without delay;\n"
            "- to tell his family where and in what conditions he is held."
        ),
    },
}

TARGETS = [
    {
        "name": {
            "fr": "Ambassadeur de la République populaire de Chine en France",
            "en": "Ambassador of the People's Republic of China to France",
        },
        "title": {"fr": "Ambassadeur", "en": "Ambassador"},
        "organisation": {
            "fr": "Ambassade de la République populaire de Chine en France",
            "en": "Embassy of the People's Republic of China in France",
        },
        # A placeholder that cannot receive mail: staff enter the real address in admin.
        "email": "delivery-target@example.invalid",
        "language": "fr",
    },
]


@dataclass(frozen=True)
class PetitionLoadReport:
    petition_created: bool
    targets_created: int

    def __str__(self) -> str:
        # What load_campaign prints, in the language it runs in.
        if not self.petition_created:
            return gettext("petition already there (or no campaign).")
        created = ngettext(
            "petition created, %(count)s target created.",
            "petition created, %(count)s targets created.",
            self.targets_created,
        )
        return created % {"count": intcomma(self.targets_created)}


@transaction.atomic
def petition_load_initial() -> PetitionLoadReport:
    """Create the Mamat petition and its placeholder target if they do not exist yet.

    Idempotent, and never overwrites what staff have edited: targets are only attached when the
    petition is created, so a target staff replaced does not come back.
    """
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        return PetitionLoadReport(petition_created=False, targets_created=0)
    values = translated_field_values(PETITION, model=Petition)
    petition, created = Petition.objects.get_or_create(
        slug=values.pop("slug"), defaults={**values, "campaign": campaign}
    )
    if not created:
        return PetitionLoadReport(petition_created=False, targets_created=0)
    targets_created = 0
    for entry in TARGETS:
        target_values = translated_field_values(entry, model=Target)
        target, target_created = Target.objects.get_or_create(
            email=target_values["email"], defaults=target_values
        )
        petition.targets.add(target)
        targets_created += target_created
    return PetitionLoadReport(petition_created=True, targets_created=targets_created)
