from django import template
from django.conf import settings
from django.forms import BooleanField

from petitions import counter, recent_signers, selectors
from petitions.forms import SignatureForm
from petitions.share_codes import share_code_from_query

register = template.Library()


@register.inclusion_tag("petitions/includes/sign_box.html", takes_context=True)
def petition_sign_box(context) -> dict:
    """Render the campaign's open petition, its counter and its form where a page asks to sign."""
    petition = selectors.petition_open_for_campaign(campaign=context.get("campaign"))
    if petition is None:
        return _petition_closed_context(context)
    request = context.get("request")
    referral_code = share_code_from_query(request.GET) if request else ""
    return {
        "petition": petition,
        "form": SignatureForm(petition=petition, initial={"referral_code": referral_code}),
        "progress": counter.petition_progress(petition=petition),
        "recent_signers": recent_signers.signers_recent(petition=petition),
        "poll_seconds": settings.SIGNATURE_COUNT_POLL_SECONDS,
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


def _petition_closed_context(context) -> dict:
    """What a page that invited people to sign shows once signing is over (or not yet begun)."""
    closed = selectors.petition_closed_for_campaign(campaign=context.get("campaign"))
    if closed is None:
        return {"petition": None}
    return {
        "petition": None,
        "closed_petition": closed,
        "progress": counter.petition_progress(petition=closed),
    }


@register.inclusion_tag("petitions/includes/counter.html", takes_context=True)
def petition_progress(context) -> dict:
    """Render the count of the campaign's open petition, else the final count of its last."""
    campaign = context.get("campaign")
    petition = selectors.petition_open_for_campaign(
        campaign=campaign
    ) or selectors.petition_closed_for_campaign(campaign=campaign)
    if petition is None:
        return {"petition": None}
    return {
        "petition": petition,
        "progress": counter.petition_progress(petition=petition),
        "poll_seconds": settings.SIGNATURE_COUNT_POLL_SECONDS,
    }


@register.simple_tag(takes_context=True)
def petition_signing_open(context) -> bool:
    """Whether the campaign has a petition open for signing now (for its buttons to sign)."""
    return selectors.petition_open_for_campaign(campaign=context.get("campaign")) is not None


@register.inclusion_tag("petitions/includes/data_asked.html", takes_context=True)
def petition_data_asked(context) -> dict:
    """Say, on the privacy page, what the petition's form really asks and what leaves it."""
    petition = selectors.petition_open_for_campaign(campaign=context.get("campaign"))
    if petition is None:
        return {"petition": None}
    form = SignatureForm(petition=petition)
    fields = form.visible_signer_fields()
    return {
        "petition": petition,
        "details": [field for field in fields if not isinstance(field.field, BooleanField)],
        "choices": [field for field in fields if isinstance(field.field, BooleanField)],
    }
