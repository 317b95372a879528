"""Invalidation by criteria in the admin: criteria, preview and sample, reason, progress, undo.

Whoever may review signatures by hand (change a signature) may invalidate them by criteria.
The pages are thin: every rule is in petitions/invalidations.py.
"""

import json
from dataclasses import asdict
from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_countries import countries

from petitions import invalidations, selectors
from petitions.admin.tool_pages import tool_page_response
from petitions.forms import country_choices
from petitions.invalidations import CRITERIA_STATUSES, InvalidationCriteria
from petitions.models import Invalidation, Petition, Signature
from staff.access_trail import access_event_record, request_ip_hmac, search_fingerprint
from staff.models import AccessEvent

REVIEW_PERMISSION = "petitions.change_signature"
CRITERIA_FIELDS = [
    "email_domain",
    "ip_hash",
    "country",
    "signed_from",
    "signed_until",
    "referral_code",
    "status",
]


class InvalidationForm(forms.Form):
    petition: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Petition.objects.all(), label=_("Petition")
    )
    email_domain = forms.CharField(label=_("Email domain"), required=False, max_length=253)
    ip_hash = forms.CharField(label=capfirst(_("IP fingerprint")), required=False, max_length=64)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=country_choices)
    signed_from = forms.DateTimeField(
        label=_("Signed from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    signed_until = forms.DateTimeField(
        label=_("Signed before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    referral_code = forms.CharField(label=_("Referral code"), required=False, max_length=16)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any but invalidated"))]
        + [
            (value, label)
            for value, label in Signature.Status.choices
            if value in CRITERIA_STATUSES
        ],
    )
    reason_category = forms.ChoiceField(
        label=_("Reason (published in the ledger)"),
        required=False,
        choices=[("", "—"), *Invalidation.Reason.choices],
    )
    reason = forms.CharField(
        label=_("Explanation (kept with each signature, never published)"),
        required=False,
        max_length=200,
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in CRITERIA_FIELDS):
            raise forms.ValidationError(
                gettext("Choose at least one criterion: an empty one would match everyone.")
            )
        return cleaned

    def criteria(self) -> InvalidationCriteria:
        return InvalidationCriteria(
            **{name: self.cleaned_data.get(name) or "" for name in CRITERIA_FIELDS}
            | {
                "signed_from": self.cleaned_data.get("signed_from"),
                "signed_until": self.cleaned_data.get("signed_until"),
            }
        )

    def confirmation_errors(self) -> bool:
        """Require what confirming needs; return whether something is missing."""
        for name in ("reason_category", "reason"):
            if not (self.cleaned_data.get(name) or "").strip():
                self.add_error(name, gettext("Give a reason to invalidate."))
        return bool(self.errors)


def criteria_described(criteria: InvalidationCriteria) -> list[str]:
    """Say each criterion as staff chose it on the form: its label and its value, in words."""
    lines = []
    for name, value in asdict(criteria).items():
        if not value:
            continue
        if name == "country":
            value = countries.name(value) or value
        elif name == "status":
            value = Signature.Status(value).label
        elif isinstance(value, datetime):
            value = formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        label = InvalidationForm.base_fields[name].label
        lines.append(gettext("%(label)s: %(value)s") % {"label": label, "value": value})
    return lines


def _preview_trail(request: HttpRequest, *, criteria: InvalidationCriteria, count: int) -> None:
    """Trail a preview as the search of signatures it is: the signers of a domain, a network or
    a share code, counted and sampled. Its criteria are kept by name, their values only as a
    keyed fingerprint, as the list's searches are (a share code names the signer who shared)."""
    values = criteria.as_json()
    access_event_record(
        actor=request.user,
        action=AccessEvent.Action.SEARCHED_SIGNATURES,
        target=Signature._meta.label,
        note=AccessEvent.Note.INVALIDATION_PREVIEW,
        query={
            "criteria": sorted(values),
            "criteria_fingerprint": search_fingerprint(json.dumps(values, sort_keys=True)),
        },
        row_count=count,
        ip_hmac=request_ip_hmac(request),
    )


def _previewed(request: HttpRequest) -> tuple[int | None, int | None]:
    """Return the count and the last id of the preview staff saw before confirming."""
    try:
        return int(request.POST["previewed_count"]), int(request.POST["previewed_up_to"])
    except (KeyError, ValueError):
        return None, None


@admin.register(Invalidation)
class InvalidationAdmin(admin.ModelAdmin):
    list_display = [
        "pk",
        "petition",
        "reason_category",
        "status",
        "preview_count",
        "touched_count",
        "restored_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["petition", "status", "reason_category"]
    list_select_related = ["petition", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm(REVIEW_PERMISSION) or super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:invalidation_id>/cancel/",
                view(require_POST(self.cancel_view)),
                name="petitions_invalidation_cancel",
            ),
            path(
                "<int:invalidation_id>/undo/",
                view(require_POST(self.undo_view)),
                name="petitions_invalidation_undo",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial: dict[str, object] = {**request.GET.dict()}
        # Most campaigns have one petition: the form starts on it unless staff say otherwise.
        if "petition" not in initial and (petition := selectors.petition_only()) is not None:
            initial["petition"] = petition.pk
        form = InvalidationForm(request.POST or None, initial=initial)
        preview = None
        if request.method == "POST" and form.is_valid():
            petition, criteria = form.cleaned_data["petition"], form.criteria()
            previewed_count, previewed_up_to = _previewed(request)
            confirming = "invalidate" in request.POST and previewed_up_to is not None
            preview = invalidations.invalidation_preview(
                petition=petition,
                criteria=criteria,
                up_to_signature_id=previewed_up_to if confirming else None,
            )
            if not confirming:
                _preview_trail(request, criteria=criteria, count=preview.count)
            if confirming and preview.count != previewed_count:
                messages.warning(
                    request, gettext("The signatures changed since the preview: check again.")
                )
            elif confirming and not form.confirmation_errors():
                invalidation = invalidations.invalidation_create(
                    petition=petition,
                    criteria=criteria,
                    reason_category=form.cleaned_data["reason_category"],
                    reason=form.cleaned_data["reason"],
                    preview=preview,
                    actor=request.user,
                )
                return redirect("admin:petitions_invalidation_change", invalidation.pk)
        return tool_page_response(
            self,
            request,
            "admin/petitions/invalidation/new.html",
            gettext("Invalidate signatures by criteria"),
            form=form,
            preview=preview,
        )

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        invalidation = get_object_or_404(
            Invalidation.objects.select_related("petition", "created_by"), pk=object_id
        )
        return tool_page_response(
            self,
            request,
            "admin/petitions/invalidation/progress.html",
            gettext("Invalidation #%(number)s") % {"number": invalidation.pk},
            invalidation=invalidation,
            criteria=criteria_described(InvalidationCriteria.from_json(invalidation.criteria)),
            is_working=invalidation.status
            in {
                Invalidation.Status.QUEUED,
                Invalidation.Status.RUNNING,
                Invalidation.Status.UNDOING,
            },
            can_act=self.has_add_permission(request),
        )

    def cancel_view(self, request: HttpRequest, invalidation_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        invalidation = get_object_or_404(Invalidation, pk=invalidation_id)
        if invalidations.invalidation_cancel(invalidation=invalidation):
            messages.success(request, gettext("Cancelled: it stops after the current batch."))
        return redirect(reverse("admin:petitions_invalidation_change", args=[invalidation.pk]))

    def undo_view(self, request: HttpRequest, invalidation_id: int) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        invalidation = get_object_or_404(Invalidation, pk=invalidation_id)
        if invalidations.invalidation_undo(invalidation=invalidation, actor=request.user):
            messages.success(request, gettext("Every signature it touched is being restored."))
        return redirect(reverse("admin:petitions_invalidation_change", args=[invalidation.pk]))
