"""The Mamat petition's letter and delivery schedule as first set up, and their loader.

`load_campaign` calls `deliveries_load_initial` after the petition is loaded. The schedule
starts paused: the petition's target is a placeholder until staff enter and approve the real
address, and approving it starts the schedule (deliveries.addresses).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from core.translated_content import translated_field_values
from deliveries.models import DeliverySchedule, LetterTemplate
from petitions.models import Petition

PETITION_SLUG = "liberez-mamat"

# Written from the campaign's facts (shared/campaign/FACTS.md).
LETTER = {
    "case_summary": {
        "fr": (
            "Mamat, un Ouïghour de la région autonome ouïghoure du Xinjiang, a été enfermé il "
            "y a environ quatre ans dans un camp d'internement. Sa famille a seulement appris "
            "qu'il était condamné à 16 ou 17 ans d'enfermement, selon toute vraisemblance pour "
            "sa pratique religieuse et ses contacts avec son frère à l'étranger ; depuis, elle "
            "ne sait ni où il se trouve ni dans quel état. Il souffre de troubles mentaux et ne "
            "reçoit pas les soins dont il a besoin."
        ),
        "en": (
            "Mamat, a Uyghur man from the Xinjiang Uyghur Autonomous Region, was taken to an "
            "internment camp about four years ago. All his family learnt was that he had been "
            "sentenced to 16 or 17 years of confinement, most likely for practising his "
            "religion and for keeping in touch with his brother abroad; since then they have "
            "not known where he is or how he is. He suffers from mental illness and does not "
            "receive the care he needs."
        ),
    },
}
# Monthly, or sooner once a thousand new signatures wait.
SCHEDULE = {"every_days": 30, "threshold": 1000}


@dataclass(frozen=True)
class DeliveriesLoadReport:
    letter_created: bool
    schedule_created: bool

    def __str__(self) -> str:
        # What load_campaign prints, in the language it runs in: whole sentences, since a
        # translation cannot be put together from pieces.
        if self.letter_created and self.schedule_created:
            return gettext(
                "letter and schedule (paused until the target's address is approved) created."
            )
        if self.letter_created:
            return gettext("letter created; schedule already there.")
        if self.schedule_created:
            return gettext(
                "schedule (paused until the target's address is approved) created; letter "
                "already there."
            )
        return gettext("letter and schedule already there.")


@transaction.atomic
def deliveries_load_initial() -> DeliveriesLoadReport:
    """Create the petition's letter and paused schedule where missing; never overwrite edits."""
    petition = Petition.objects.filter(slug=PETITION_SLUG).first()
    if petition is None:
        return DeliveriesLoadReport(letter_created=False, schedule_created=False)
    _letter, letter_created = LetterTemplate.objects.get_or_create(
        petition=petition, defaults=translated_field_values(LETTER, model=LetterTemplate)
    )
    _schedule, schedule_created = DeliverySchedule.objects.get_or_create(
        petition=petition, defaults={**SCHEDULE, "is_active": False, "waits_for_address": True}
    )
    return DeliveriesLoadReport(letter_created=letter_created, schedule_created=schedule_created)
