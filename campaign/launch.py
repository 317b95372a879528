"""What the campaign's pages need before launch (core/launch_checklist.py lists it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from campaign.legal_notice import legal_notice_complete
from campaign.models import Page
from campaign.selectors import campaign_current, page_home
from core.launch_checklist import LaunchStep


def campaign_launch_steps() -> list[LaunchStep]:
    campaign = campaign_current()
    if campaign is None:
        return [
            LaunchStep(
                title=_("The campaign"),
                done=False,
                why=_("There is none yet: run manage.py load_campaign, or add one."),
                fix_url=reverse("admin:campaign_campaign_add"),
                fix_permission="campaign.add_campaign",
            )
        ]
    campaign_url = reverse("admin:campaign_campaign_change", args=[campaign.pk])
    home = page_home()
    published_kinds = set(
        Page.objects.published().filter(campaign=campaign).values_list("kind", flat=True)
    )
    return [
        LaunchStep(
            title=_("The legal notice, published"),
            done=legal_notice_complete(campaign) and Page.Kind.LEGAL_NOTICE in published_kinds,
            why=_(
                "French law requires the site to name its publisher, director of publication "
                "and host. Fill them in on the campaign, then publish the legal notice page."
            ),
            fix_url=campaign_url,
            fix_permission="campaign.change_campaign",
        ),
        LaunchStep(
            title=_("A contact address"),
            done=bool(campaign.contact_email) and Page.Kind.CONTACT in published_kinds,
            why=_(
                "Signers whose link fails, and anyone asking what the site holds about them, "
                "are told to write to it; the contact page stays a draft without it."
            ),
            fix_url=campaign_url,
            fix_permission="campaign.change_campaign",
        ),
        LaunchStep(
            title=_("The privacy policy, published"),
            done=Page.Kind.PRIVACY in published_kinds,
            why=_("The sign form links to it: signers must be able to read it before they sign."),
            fix_url=reverse("admin:campaign_page_changelist") + f"?kind__exact={Page.Kind.PRIVACY}",
            fix_permission="campaign.change_page",
        ),
        LaunchStep(
            title=_("Mamat's portrait on the case page"),
            done=bool(home and home.image),
            why=_("Until one is uploaded, a drawn silhouette stands in on the first screen."),
            fix_url=(
                reverse("admin:campaign_page_change", args=[home.pk])
                if home
                else reverse("admin:campaign_page_changelist")
            ),
            fix_permission="campaign.change_page",
        ),
    ]
