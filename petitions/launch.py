"""What signing needs before launch (core/launch_checklist.py lists it)."""

from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.launch_checklist import LaunchStep
from petitions.erasure import ERASE_PERMISSION
from petitions.models import Petition

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
