"""What signing needs before launch (core/launch_checklist.py lists it)."""

from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.launch_checklist import LaunchStep
from petitions.erasure import ERASE_PERMISSION
from petitions.models import Petition
from petitions.petition_addresses import petition_slugs_taken_by_site

DATA_OFFICERS_GROUP = "Data officers"  # made by migration petitions 0004


def petitions_launch_steps() -> list[LaunchStep]:
    signable = Petition.objects.filter(
        Q(closes_at__isnull=True) | Q(closes_at__gt=timezone.now()),
        status=Petition.Status.OPEN,
    )
    officers = User.objects.with_perm(ERASE_PERMISSION, include_superusers=False).filter(
        is_active=True, is_staff=True
    )
    group = Group.objects.filter(name=DATA_OFFICERS_GROUP).first()
    return [
        *petitions_at_a_site_address_steps(),
        LaunchStep(
            title=_("A petition open for signing"),
            done=signable.exists(),
            why=_("Set a petition's status to open (with its opening date, if it is later)."),
            fix_url=reverse("admin:petitions_petition_changelist"),
            fix_permission="petitions.change_petition",
        ),
        LaunchStep(
            title=_("A data officer"),
            done=officers.exists(),
            why=_(
                "Someone must answer a signer who asks to be erased, and export the signatures "
                "when needed: add a person to the Data officers group."
            ),
            fix_url=(
                reverse("admin:auth_group_change", args=[group.pk])
                if group
                else reverse("admin:auth_group_changelist")
            ),
            fix_permission="auth.change_group",
        ),
    ]


def petitions_at_a_site_address_steps() -> list[LaunchStep]:
    """Name each petition whose slug a signers' page of the site has taken since it was chosen.

    Petition.clean refuses such a slug, but only when the petition is next saved: one chosen
    before the site mounted a page at that address keeps it, and the two get in each other's
    way unnoticed until staff edit it. Listed only while one exists, as none should.
    """
    taken = Petition.objects.filter(slug__in=petition_slugs_taken_by_site()).order_by("slug")
    return [
        LaunchStep(
            title=_("A petition's address taken by the site: %(petition)s")
            % {"petition": petition.title},
            done=False,
            why=_(
                "Its address, /petition/%(slug)s/, is now that of a page the site shows "
                "signers: visitors may reach that page instead of the petition, or the "
                "petition instead of it. It cannot be saved again until it has another slug: "
                "give it one, and update the links shared so far."
            )
            % {"slug": petition.slug},
            fix_url=reverse("admin:petitions_petition_change", args=[petition.pk]),
            fix_permission="petitions.change_petition",
        )
        for petition in taken
    ]
