"""Staff tools in the admin: the signature list at scale, exports, erasure and the dashboard.

Mixed into SignatureAdmin and PetitionAdmin (petitions/admin.py). The pages parse the request,
check the permission, call one service or selector and render; the rules live in
petitions.exports, petitions.erasure and petitions.selectors.
"""

from datetime import date, timedelta
from functools import cached_property

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from petitions import erasure, exports, selectors, services
from petitions.models import Petition, Signature, SignatureExport
from petitions.selectors import SignatureExportFilters
from staff.models import AccessEvent
from staff.network import request_ip_hmac
from staff.services import access_event_record

EXPORT_PERMISSION = "petitions.export_signatures"
ERASE_PERMISSION = "petitions.erase_signer"
# Below this many rows the estimate is not worth it: count them.
ESTIMATE_FROM_ROWS = 10_000
CHART_WIDTH = 720
CHART_HEIGHT = 200


class EstimatedCountPaginator(Paginator):
    """Count the unfiltered list from PostgreSQL's statistics instead of COUNT(*).

    A filtered or searched list is counted exactly: the indexes keep those counts small.
    """

    @cached_property
    def count(self) -> int:
        if not self.object_list.query.where:
            estimate = selectors.signatures_estimated_count()
            if estimate is not None and estimate >= ESTIMATE_FROM_ROWS:
                return estimate
        return super().count


class SignatureActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label=_("Reason (kept with each signature)"),
        required=False,
        max_length=200,
    )


class SignatureExportForm(forms.Form):
    petition = forms.ModelChoiceField(
        Petition.objects.all(), required=False, label=_("Petition"), empty_label=_("All petitions")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Signature.Status.choices],
    )
    signed_from = forms.DateField(
        label=_("Signed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    signed_until = forms.DateField(
        label=_("Signed until (that day included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    named_only = forms.BooleanField(
        label=_("Only signers who agreed to be named in the delivery"), required=False
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=SignatureExport.Format.choices,
        initial=SignatureExport.Format.CSV,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]

    def filters(self) -> SignatureExportFilters:
        data = self.cleaned_data
        return SignatureExportFilters(
            petition_id=data["petition"].pk if data["petition"] else None,
            status=data["status"],
            signed_from=data["signed_from"],
            signed_until=data["signed_until"],
            country=data["country"],
            named_only=data["named_only"],
        )

    @staticmethod
    def initial_from_changelist(params: QueryDict) -> dict:
        """Carry the signature list's filters over to the export form."""

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat(params.get(key, "")[:10])
            except ValueError:
                return None

        initial = {
            "petition": params.get("petition__id__exact") or params.get("petition") or None,
            "status": params.get("status__exact", ""),
            "country": params.get("country__exact", ""),
            "named_only": params.get("name_in_delivery__exact") == "1",
            "signed_from": day("created_at__gte"),
        }
        # The list's date filter ends before a day; the form names the last day included.
        until = day("created_at__lt")
        initial["signed_until"] = until - timedelta(days=1) if until else None
        return initial


class SignatureEraseForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to erase"))


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def export_response(
    *, signatures: QuerySet[Signature], file_format: str, filename: str
) -> HttpResponse:
    """Stream a CSV, or send an XLSX written in constant memory to an unnamed temporary file."""
    if file_format == SignatureExport.Format.XLSX:
        import tempfile

        scratch = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        exports.xlsx_write(signatures, scratch)
        scratch.seek(0)
        response = FileResponse(
            scratch,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = StreamingHttpResponse(
            exports.csv_chunks(signatures), content_type="text/csv; charset=utf-8"
        )
    return _attachment(response, filename)


class SignatureToolsAdminMixin:
    """The signature list at a million rows, with exports, review with reasons and erasure."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    action_form = SignatureActionForm
    search_help_text = _(
        "An email address (matched exactly), or the beginning of a last or first name."
    )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(ERASE_PERMISSION)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Search what the indexes serve: a whole address, or the start of names."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email_normalized=services.email_normalize(term)), False
        condition = Q()
        for word in term.split()[:4]:
            condition &= Q(last_name__istartswith=word) | Q(first_name__istartswith=word)
        return queryset.filter(condition), False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="petitions_signature_export"),
            path("erase/", view(self.erase_view), name="petitions_signature_erase"),
            path(
                "exports/<str:token>/",
                view(self.export_download_view),
                name="petitions_signatureexport_download",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description=_("Flag: hold the selected signatures out of the count for review"),
        permissions=["change"],
    )
    def flag(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = services.signatures_flag(signatures=queryset, reason=request.POST.get("reason", ""))
        self.message_user(
            request,
            ngettext("%(count)d signature flagged.", "%(count)d signatures flagged.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def _export_selected(
        self, request: HttpRequest, queryset: QuerySet[Signature], file_format: str
    ) -> HttpResponse | None:
        signatures = queryset.filter(erased_at__isnull=True)
        row_count = signatures.count()
        if row_count > settings.EXPORT_ASYNC_THRESHOLD:
            self.message_user(
                request,
                gettext(
                    "Too many signatures to export from a selection: use “Export” with "
                    "filters, which prepares large files in the background."
                ),
                messages.ERROR,
            )
            return None
        exports.signatures_export_record(
            actor=request.user,
            query={
                "selection": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)[:1000],
                "select_across": request.POST.get("select_across") == "1",
                "list_filters": {key: request.GET.getlist(key) for key in request.GET},
                "format": file_format,
            },
            row_count=row_count,
            ip_hmac=request_ip_hmac(request),
        )
        return export_response(
            signatures=signatures,
            file_format=file_format,
            filename=exports.export_filename(
                filters=SignatureExportFilters(), file_format=file_format
            ),
        )

    @admin.action(description=_("Export the selected signatures (CSV)"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Signature]):
        return self._export_selected(request, queryset, SignatureExport.Format.CSV)

    @admin.action(description=_("Export the selected signatures (XLSX)"), permissions=["export"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Signature]):
        return self._export_selected(request, queryset, SignatureExport.Format.XLSX)

    def _page(self, request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = SignatureExportForm(request.POST)
        else:
            form = SignatureExportForm(
                initial=SignatureExportForm.initial_from_changelist(request.GET)
            )
        if request.method == "POST" and form.is_valid():
            filters = form.filters()
            file_format = form.cleaned_data["format"]
            signatures = selectors.signatures_for_export(filters=filters)
            row_count = signatures.count()
            if row_count > settings.EXPORT_ASYNC_THRESHOLD:
                exports.signature_export_queue(
                    actor=request.user, filters=filters, file_format=file_format
                )
                self.message_user(
                    request,
                    gettext(
                        "%(count)d signatures: the file is being prepared. It will be listed "
                        "here with its download link, valid %(hours)d hours."
                    )
                    % {"count": row_count, "hours": settings.EXPORT_LINK_HOURS},
                    messages.SUCCESS,
                )
                return redirect("admin:petitions_signatureexport_changelist")
            exports.signatures_export_record(
                actor=request.user,
                query={**filters.as_json(), "format": file_format},
                row_count=row_count,
                ip_hmac=request_ip_hmac(request),
            )
            return export_response(
                signatures=signatures,
                file_format=file_format,
                filename=exports.export_filename(filters=filters, file_format=file_format),
            )
        return self._page(
            request,
            "admin/petitions/signature/export.html",
            gettext("Export signatures"),
            form=form,
            threshold=settings.EXPORT_ASYNC_THRESHOLD,
        )

    def export_download_view(self, request: HttpRequest, token: str) -> HttpResponse:
        if not self.has_export_permission(request):
            raise PermissionDenied
        export = exports.export_for_download(token=token, user=request.user)
        if export is None:
            raise Http404(gettext("This download link has expired or is not yours."))
        exports.signatures_export_record(
            actor=request.user,
            query={"export_id": export.pk, "download": True, **export.filters},
            row_count=export.row_count or 0,
            target=f"petitions.SignatureExport #{export.pk}",
            ip_hmac=request_ip_hmac(request),
        )
        response = FileResponse(export.file.open("rb"))
        return _attachment(response, export.file.name.rpartition("/")[2])

    def erase_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_erase_permission(request):
            raise PermissionDenied
        form = SignatureEraseForm(request.POST or None)
        matches = None
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if request.POST.get("confirm") == "yes":
                erased = erasure.signer_erase(
                    email=email, actor=request.user, ip_hmac=request_ip_hmac(request)
                )
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d signature anonymised.",
                        "%(count)d signatures anonymised.",
                        erased,
                    )
                    % {"count": erased},
                    messages.SUCCESS,
                )
                return redirect("admin:petitions_signature_changelist")
            email_normalized = services.email_normalize(email)
            matches = selectors.signatures_of_person(email_normalized=email_normalized).count()
            # Looking a person up is a search of signatures: it goes on the trail too.
            access_event_record(
                actor=request.user,
                action=AccessEvent.Action.SEARCHED_SIGNATURES,
                target="petitions.Signature (erasure)",
                query={"email_hmac": erasure.email_fingerprint(email_normalized)},
                row_count=matches,
                ip_hmac=request_ip_hmac(request),
            )
        return self._page(
            request,
            "admin/petitions/signature/erase.html",
            gettext("Erase a person"),
            form=form,
            matches=matches,
        )


class SignatureExportAdmin(admin.ModelAdmin):
    """Large exports written by a worker: each requester sees theirs and its link."""

    list_display = [
        "created_at",
        "requested_by",
        "format",
        "status",
        "row_count",
        "expires_at",
        "download",
    ]
    list_filter = ["status", "format"]
    fields = [
        "created_at",
        "requested_by",
        "format",
        "filters",
        "status",
        "row_count",
        "started_at",
        "finished_at",
        "expires_at",
        "error",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignatureExport]:
        exports_made = super().get_queryset(request).select_related("requested_by")
        if request.user.is_superuser:
            return exports_made
        return exports_made.filter(requested_by=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and request.user.has_perm(
            EXPORT_PERMISSION
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("download"))
    def download(self, export: SignatureExport) -> str:
        from django.utils import timezone

        if export.status != SignatureExport.Status.READY or (
            export.expires_at and export.expires_at <= timezone.now()
        ):
            return "—"
        url = reverse(
            "admin:petitions_signatureexport_download",
            kwargs={"token": exports.export_download_token(export=export)},
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))


def chart_bars(days: list[selectors.DayCount]) -> dict:
    """Lay out one bar per day for the dashboard's SVG: signed, and confirmed within it."""
    highest = max((day.signed for day in days), default=0) or 1
    step = CHART_WIDTH / max(len(days), 1)
    width = max(step - 1, 1)
    bars = []
    for index, day in enumerate(days):
        signed_height = day.signed * CHART_HEIGHT / highest
        confirmed_height = day.confirmed * CHART_HEIGHT / highest
        bars.append(
            {
                "day": day,
                "x": round(index * step, 2),
                "width": round(width, 2),
                "y": round(CHART_HEIGHT - signed_height, 2),
                "height": round(signed_height, 2),
                "confirmed_y": round(CHART_HEIGHT - confirmed_height, 2),
                "confirmed_height": round(confirmed_height, 2),
            }
        )
    return {"bars": bars, "highest": highest, "width": CHART_WIDTH, "height": CHART_HEIGHT}


class PetitionDashboardAdminMixin:
    """A page per petition with its numbers: counts, signatures per day and top origins."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dashboard/",
                self.admin_site.admin_view(self.dashboard_view),
                name="petitions_petition_dashboard",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, petition: Petition) -> str:
        url = reverse("admin:petitions_petition_dashboard", args=[petition.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Dashboard"))

    def dashboard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        petition = get_object_or_404(Petition, pk=object_id)
        if not self.has_view_permission(request, petition):
            raise PermissionDenied
        dashboard = selectors.petition_dashboard(
            petition=petition, days=settings.DASHBOARD_CHART_DAYS
        )
        return TemplateResponse(
            request,
            "admin/petitions/petition/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": petition,
                "title": gettext("Dashboard: %(petition)s") % {"petition": petition},
                "petition": petition,
                "dashboard": dashboard,
                "statuses": [
                    (label, dashboard.counts[value]) for value, label in Signature.Status.choices
                ],
                "chart": chart_bars(dashboard.days),
                "can_export": request.user.has_perm(EXPORT_PERMISSION),
            },
        )
