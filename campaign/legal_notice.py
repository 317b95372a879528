"""The legal notice French law requires (LCEN art. 6): no publishing it without its identities.

A notice that silently left out its publisher, director of publication or host would look
complete and be unlawful; a draft is honest. Page.clean, Campaign.clean and pages_publish
all ask here.
"""

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

LEGAL_NOTICE_FIELDS = ("publisher_name", "publication_director", "hosting_provider")


def legal_notice_missing(campaign) -> list[str]:
    """Return the names of the fields the legal notice needs and `campaign` leaves empty."""
    return [name for name in LEGAL_NOTICE_FIELDS if not str(getattr(campaign, name, "")).strip()]


def legal_notice_complete(campaign) -> bool:
    return not legal_notice_missing(campaign)


def legal_notice_error(campaign) -> ValidationError:
    labels = [
        str(campaign._meta.get_field(name).verbose_name) for name in legal_notice_missing(campaign)
    ]
    return ValidationError(
        format_lazy(
            "{}{}",
            _(
                "The legal notice cannot be published without the campaign's publisher, director "
                "of publication and host. Missing: "
            ),
            ", ".join(labels),
        ),
        code="legal_notice_incomplete",
    )
