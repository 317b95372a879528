"""What a delivery's letter says, and whom it names: all it prints of its target
(LetterRecipient), recorded with the letter so that the proof and the ledger name the recipient
as the letter that went did.
"""

from dataclasses import dataclass, fields

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from campaign.models import Campaign
from deliveries import documents
from deliveries.letter_courtesy import letter_courtesy
from deliveries.models import Delivery, LetterTemplate
from petitions.models import Target


@dataclass(frozen=True)
class LetterRecipient:
    """What a letter prints about its recipient, in the active language.

    The letter reads its target through this alone, and its fields are the ones recorded with
    the letter (recipient_as_named) and compared before sending: a field the letter comes to
    print is recorded and compared by being added here, never in a second list.
    """

    name: str
    title: str
    organisation: str


def letter_recipient(*, target: Target) -> LetterRecipient:
    """Return what a letter to `target` prints about it, in the active language."""
    return LetterRecipient(
        **{field.name: getattr(target, field.name) or "" for field in fields(LetterRecipient)}
    )


def recipient_lines(*, recipient: LetterRecipient) -> list[str]:
    """Return the address block: name, title, organisation, without saying anything twice.

    "Ambassadeur de Chine en France / Ambassadeur / Ambassade…" repeats the title that the
    name already carries: a line contained in an earlier one is left out.
    """
    lines: list[str] = []
    for line in (recipient.name, recipient.title, recipient.organisation):
        line = line.strip()
        if line and not any(line.lower() in earlier.lower() for earlier in lines):
            lines.append(line)
    return lines


def letter_reply_addresses(*, campaign: Campaign) -> tuple[str, str]:
    """Return the email and the postal address a letter names for a reply; either may be ""."""
    return campaign.contact_email, campaign.publisher_address.strip()


def letter_content_for(*, delivery: Delivery) -> documents.LetterContent:
    """Gather what the letter says, in the active language (the delivery's, by the caller)."""
    petition = delivery.petition
    campaign = petition.campaign
    recipient = letter_recipient(target=delivery.target)
    template = LetterTemplate.objects.filter(petition=petition).first() or LetterTemplate()
    courtesy = letter_courtesy(title=recipient.title or recipient.name)
    contact_email, postal_address = letter_reply_addresses(campaign=campaign)
    return documents.LetterContent(
        petition_title=petition.title,
        demand=petition.demand,
        campaign_name=campaign.name,
        recipient_lines=recipient_lines(recipient=recipient),
        created_at=delivery.created_at,
        reference=delivery.reference,
        new_count=delivery.total_count,
        cumulative_count=delivery.cumulative_count,
        named_count=delivery.named_count,
        counts_only=delivery.counts_only,
        counts_by_country=delivery.counts_by_country,
        salutation=template.salutation or courtesy.salutation,
        case_summary=template.case_summary,
        closing=template.closing or courtesy.closing,
        signatory=template.signatory,
        postal_address=postal_address,
        contact_email=contact_email,
    )


def recipient_as_named(*, target: Target) -> dict[str, str | None]:
    """Return all a letter prints about the target (LetterRecipient: name, title,
    organisation) in each language, as a delivery records it with the letter that names it.

    Only the columns of each language: the name without one would be read as the language
    active here, and overwrite it. Every language, since a letter in one prints another's
    where its own is empty (modeltranslation's fallbacks).
    """
    return {
        build_localized_fieldname(f"recipient_{field.name}", language): getattr(
            target, build_localized_fieldname(field.name, language)
        )
        for field in fields(LetterRecipient)
        for language in settings.MODELTRANSLATION_LANGUAGES
    }
