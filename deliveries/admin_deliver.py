"""The admin's "deliver now": a preview of what would go, approvals, a confirmation, progress.

Nothing is recorded or sent until staff confirm in the preview; a worker then builds the batch
of what the preview showed (signatures confirmed up to its moment) and sends it, while the
progress page follows the deliveries it makes.
"""

from datetime import datetime, timedelta
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actors import request_staff_user
from deliveries import addresses, letter_content, previews, runs
from deliveries.models import Delivery, DeliverySchedule

UNFINISHED = (Delivery.Status.BUILDING, Delivery.Status.READY, Delivery.Status.SENDING)
PROGRESS_REFRESH_SECONDS = 2
PROGRESS_GIVE_UP = timedelta(seconds=60)


class DeliverConfirmForm(forms.Form):
    confirmed_up_to = forms.DateTimeField(widget=forms.HiddenInput)
    targets = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput)
    checked = forms.BooleanField(
        label=gettext_lazy("I have checked the recipient, the letter and the counts."),
    )

    def __init__(self, *args, target_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["targets"]).choices = [(pk, pk) for pk in target_ids]


class AddressApproveForm(forms.Form):
    target = forms.TypedChoiceField(coerce=int)
    # The address the approver was shown: only that one is approved.
    address = forms.CharField(max_length=254)

    def __init__(self, *args, target_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["target"]).choices = [(pk, pk) for pk in target_ids]


def _schedule_for(model_admin: ModelAdmin, request: HttpRequest, schedule_id: int):
    if not request.user.has_perm(addresses.SEND_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(DeliverySchedule.objects.select_related("petition"), pk=schedule_id)


def _moment(value: str) -> datetime:
    """Return the moment a form or link carries, never later than now (now if none)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return timezone.now()
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return min(moment, timezone.now())


def _preview_url(schedule: DeliverySchedule) -> str:
    return reverse("admin:deliveries_deliveryschedule_deliver", args=[schedule.pk])


def deliver_preview_view(
    model_admin: ModelAdmin, request: HttpRequest, schedule_id: int
) -> HttpResponse:
    """Show what a delivery now would carry to each target; approve addresses; confirm."""
    schedule = _schedule_for(model_admin, request, schedule_id)
    petition = schedule.petition
    actor = request_staff_user(request)
    target_ids = list(petition.targets.values_list("pk", flat=True))
    if request.method == "POST" and request.POST.get("step") == "approve":
        approve_form = AddressApproveForm(request.POST, target_ids=target_ids)
        if approve_form.is_valid():
            target = get_object_or_404(petition.targets, pk=approve_form.cleaned_data["target"])
            try:
                status = addresses.target_address_approve(
                    target=target, actor=actor, address_read=approve_form.cleaned_data["address"]
                )
            except addresses.DeliveryRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _("The address %(address)s is approved: it may receive deliveries.")
                    % {"address": target.email}
                    if status.approved
                    else _("Your approval of %(address)s is recorded; a second one is needed.")
                    % {"address": target.email},
                )
        else:
            messages.error(
                request, _("Nothing was approved: approve the address from the preview's button.")
            )
        return HttpResponseRedirect(_preview_url(schedule))

    # A refused confirmation shows again the preview it confirmed, not a newer one.
    confirmed_up_to = _moment(request.POST.get("confirmed_up_to", ""))
    report = runs.deliveries_run(petition=petition, dry_run=True, confirmed_up_to=confirmed_up_to)
    deliverable = [o.target.pk for o in report.outcomes if o.awaiting and not o.refusal]
    confirm_form = DeliverConfirmForm(
        request.POST if request.method == "POST" else None,
        target_ids=deliverable,
        initial={"confirmed_up_to": confirmed_up_to, "targets": deliverable},
    )
    if request.method == "POST" and confirm_form.is_valid():
        # Never later than now: a doctored form cannot reach signatures no preview showed.
        # Taken first: outside a transaction, an eager task runs before the call returns.
        since = timezone.now().replace(microsecond=0)
        runs.deliveries_now_queue(
            petition=petition,
            target_ids=confirm_form.cleaned_data["targets"],
            confirmed_up_to=min(confirm_form.cleaned_data["confirmed_up_to"], timezone.now()),
        )
        progress = reverse("admin:deliveries_deliveryschedule_progress", args=[schedule.pk])
        return HttpResponseRedirect(f"{progress}?{urlencode({'since': since.isoformat()})}")
    lone_sender = not addresses.second_approver_needed(actor=actor)
    rows = []
    for outcome in report.outcomes:
        address = addresses.target_address_status(target=outcome.target)
        letter_url = reverse(
            "admin:deliveries_deliveryschedule_letter_preview",
            args=[schedule.pk, outcome.target.pk],
        )
        rows.append(
            {
                "outcome": outcome,
                "address": address,
                # The first approver waits for a colleague, unless nobody else may deliver.
                "may_approve": address.state is addresses.ApprovalState.UNAPPROVED
                or (
                    address.state is addresses.ApprovalState.AWAITING_SECOND
                    and (address.first_approver != actor or lone_sender)
                ),
                "letter_url": f"{letter_url}?{urlencode({'up_to': confirmed_up_to.isoformat()})}",
            }
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": DeliverySchedule._meta,
        "title": _("Deliver now: %(petition)s") % {"petition": petition},
        "schedule": schedule,
        "rows": rows,
        # The letter then tells the recipient to answer the email: it may reach nobody.
        "no_reply_address": not any(
            letter_content.letter_reply_addresses(campaign=petition.campaign)
        ),
        "confirm_form": confirm_form,
        "deliverable": deliverable,
        "nothing_awaits": not any(outcome.awaiting for outcome in report.outcomes),
    }
    return TemplateResponse(request, "admin/deliveries/deliver_preview.html", context)


def letter_preview_view(
    model_admin: ModelAdmin, request: HttpRequest, schedule_id: int, target_id: int
) -> HttpResponse:
    """Return the letter a delivery now would carry to the target, as a PDF to read."""
    schedule = _schedule_for(model_admin, request, schedule_id)
    target = get_object_or_404(schedule.petition.targets, pk=target_id)
    pdf = previews.delivery_letter_preview(
        petition=schedule.petition,
        target=target,
        confirmed_up_to=_moment(request.GET.get("up_to", "")),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{schedule.petition.slug}-preview.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def deliver_progress_view(
    model_admin: ModelAdmin, request: HttpRequest, schedule_id: int
) -> HttpResponse:
    """Follow the deliveries a confirmed "deliver now" makes, until each is sent or failed."""
    schedule = _schedule_for(model_admin, request, schedule_id)
    since = _moment(request.GET.get("since", ""))
    deliveries = list(
        Delivery.objects.filter(petition=schedule.petition, created_at__gte=since)
        .select_related("target")
        .order_by("pk")
    )
    finished = bool(deliveries) and all(d.status not in UNFINISHED for d in deliveries)
    # The worker found nothing left to carry (another run took it), or is not running.
    nothing_made = not deliveries and timezone.now() - since > PROGRESS_GIVE_UP
    # Once each delivery is finished, the page no longer says "in progress".
    title = _("Deliver now: %(petition)s") if finished else _("Delivery in progress: %(petition)s")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": DeliverySchedule._meta,
        "title": title % {"petition": schedule.petition},
        "schedule": schedule,
        "deliveries": deliveries,
        "finished": finished,
        "nothing_made": nothing_made,
        "refresh_seconds": PROGRESS_REFRESH_SECONDS,
    }
    return TemplateResponse(request, "admin/deliveries/deliver_progress.html", context)
