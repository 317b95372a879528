"""What "deliver now" would send, shown before anything is recorded: the letter as it would go.

The preview's letter is written from an unsaved delivery holding the preview's counts, by the
same code that writes the real one (deliveries.file_writing), so what staff read is what goes.
"""

from datetime import datetime

from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext

from deliveries import documents, selectors
from deliveries.batches import counts_only_for, delivery_language
from deliveries.letter_content import letter_content_for
from deliveries.models import Delivery
from petitions.country_counts import country_counts_merged
from petitions.models import Petition, Target


def delivery_preview_make(
    *, petition: Petition, target: Target, confirmed_up_to: datetime
) -> Delivery:
    """Return an unsaved delivery with the counts a delivery now would carry to `target`."""
    awaiting = selectors.signatures_awaiting_delivery(
        petition=petition, target=target, confirmed_up_to=confirmed_up_to
    )
    counts_only = counts_only_for(petition=petition)
    total = awaiting.count()
    earlier = (
        Delivery.objects.filter(petition=petition, target=target).aggregate(
            total=Sum("total_count")
        )["total"]
        or 0
    )
    by_country = selectors.signatures_by_country(signatures=awaiting)
    return Delivery(
        petition=petition,
        target=target,
        status=Delivery.Status.BUILDING,
        counts_only=counts_only,
        language=delivery_language(target=target),
        reference=gettext("PREVIEW"),
        total_count=total,
        named_count=0 if counts_only else awaiting.named_in_delivery().count(),
        cumulative_count=earlier + total,
        counts_by_country=country_counts_merged(by_country.items()),
        created_at=timezone.now(),
    )


def delivery_letter_preview(
    *, petition: Petition, target: Target, confirmed_up_to: datetime
) -> bytes:
    """Return the letter (PDF) a delivery now would carry to `target`, marked as a preview."""
    delivery = delivery_preview_make(
        petition=petition, target=target, confirmed_up_to=confirmed_up_to
    )
    with translation.override(delivery.language):
        return documents.letter_pdf_bytes(letter=letter_content_for(delivery=delivery))
