"""What deliveries need before launch (core/launch_checklist.py lists it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.launch_checklist import LaunchStep
from deliveries.addresses import SEND_PERMISSION, ApprovalState, target_address_status
from deliveries.models import DeliverySchedule
from petitions.models import Petition


def deliveries_launch_steps() -> list[LaunchStep]:
    steps = []
    petitions = Petition.objects.filter(status=Petition.Status.OPEN).prefetch_related("targets")
    for petition in petitions:
        schedule = DeliverySchedule.objects.filter(petition=petition).order_by("pk").first()
        for target in petition.targets.all():
            state = target_address_status(target=target).state
            if state is ApprovalState.PLACEHOLDER or schedule is None:
                fix_url = reverse("admin:petitions_target_change", args=[target.pk])
                fix_permission = "petitions.change_target"
            else:
                fix_url = reverse("admin:deliveries_deliveryschedule_deliver", args=[schedule.pk])
                fix_permission = SEND_PERMISSION
            steps.append(
                LaunchStep(
                    title=_("Delivery address approved: %(target)s") % {"target": target.name},
                    done=state is ApprovalState.APPROVED,
                    why=(
                        _("It is a placeholder: enter the real address, then approve it twice.")
                        if state is ApprovalState.PLACEHOLDER
                        else _(
                            "No delivery goes to a new address before it is approved twice, in "
                            "the “Deliver now” preview of the petition's schedule."
                        )
                    ),
                    fix_url=fix_url,
                    fix_permission=fix_permission,
                )
            )
    return steps
