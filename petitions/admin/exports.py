"""Exports in the admin: by filters, by selection, and the exports prepared by a worker.

Every file is written by petitions.exports.signatures_export_write, which trails it.
"""

import codecs
import tempfile
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django_countries import countries

from core.actors import request_staff_user
from core.admin_mixins import ModelAdminMixinBase, RecordAdminMixin
from core.sealing import SealingKeyInvalid, Unsealer, private_key_or_keys_file_parse
from petitions import export_jobs
from petitions.admin.export_filters import changelist_filters_read
from petitions.admin.tool_pages import tool_page_response
from petitions.exports import (
    SignatureExportFilters,
    export_filename,
    signatures_export_write,
    signatures_for_export,
)
from petitions.models import Petition, Signature, SignatureExport
from staff.access_trail import request_ip_hmac
from staff.admin_mixins import changelist_query_for_trail

EXPORT_PERMISSION = "petitions.export_signatures"
CONTENT_TYPES: dict[str, str] = {
    SignatureExport.Format.CSV: "text/csv; charset=utf-8",
    SignatureExport.Format.XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
}

# While an export shown is queued or being written, its list reloads itself this often (a
# <meta> refresh: no script, so nothing for the CSP to allow), so that its link appears.
EXPORTS_REFRESH_SECONDS = 5
# ... but not past this: no worker is taking it up (beat queues one again within minutes), and
# each reload renews the staff session, which a page left open would then keep for ever.
EXPORTS_REFRESH_LONGEST = timedelta(minutes=30)
EXPORTS_WAITING = (SignatureExport.Status.QUEUED, SignatureExport.Status.RUNNING)


# A key file is one line of base64, the development keys file (`manage.py development_keys`) a
# few hundred bytes of JSON: a larger upload is no key file, and is not read whole.
KEY_FILE_MAX_BYTES = 64 * 1024


def _key_file_text(content: bytes) -> str:
    """Return a key file's text as editors save it: UTF-8 with or without a BOM (Notepad's
    default), or UTF-16 with its BOM (Notepad's "Unicode")."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16", errors="replace")
    return content.decode("utf-8-sig", errors="replace")


class SignatureExportForm(forms.Form):
    petition: "forms.ModelChoiceField[Petition]" = forms.ModelChoiceField(
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
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=lambda: [("", _("Any country")), *countries]
    )
    named_only = forms.BooleanField(
        label=_("Only signers who agreed to be named in the delivery"), required=False
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=SignatureExport.Format.choices,
        initial=SignatureExport.Format.CSV,
        widget=forms.RadioSelect,
    )
    private_key = forms.CharField(
        label=_("The data officers' private key"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Needed to include the sealed data (email addresses, last names, postcodes). "
            "Used for this export only: never stored, logged or sent anywhere."
        ),
    )
    private_key_file = forms.FileField(label=_("Or the file holding it"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        signed_from, signed_until = cleaned.get("signed_from"), cleaned.get("signed_until")
        # Dates typed the wrong way round match no one: say so, rather than hand over an
        # empty file that the trail records as an export.
        if signed_from and signed_until and signed_from > signed_until:
            self.add_error(
                "signed_until",
                gettext("This day comes before “Signed from”: nothing would be exported."),
            )
        upload = cleaned.get("private_key_file")
        text = _key_file_text(upload.read(KEY_FILE_MAX_BYTES)) if upload else ""
        text = text or cleaned.get("private_key") or ""
        cleaned["unsealer"] = None
        if text.strip():
            field = "private_key_file" if upload else "private_key"
            try:
                cleaned["unsealer"] = Unsealer(private_key_or_keys_file_parse(text))
            except SealingKeyInvalid as error:
                refusal = gettext("%(refusal)s Nothing was exported.")
                self.add_error(field, refusal % {"refusal": error.refusal})
        return cleaned

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
        return changelist_filters_read(params)[0]


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_download(
    request: HttpRequest,
    *,
    signatures: QuerySet[Signature],
    query: dict,
    file_format: str,
    filename: str,
    unsealer: Unsealer | None = None,
) -> HttpResponseBase:
    """Write the export to an unnamed temporary file, then send it: what was trailed is sent."""
    scratch = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    signatures_export_write(
        actor=request.user,
        signatures=signatures,
        query=query,
        file_format=file_format,
        out=scratch,
        unsealer=unsealer,
        ip_hmac=request_ip_hmac(request),
    )
    scratch.seek(0)
    return _attachment(FileResponse(scratch, content_type=CONTENT_TYPES[file_format]), filename)


class SignatureExportsAdminMixin(ModelAdminMixinBase):
    """Mixed into SignatureAdmin: the export page, the export actions and prepared downloads."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "export/",
                # The private key a data officer types must never reach an error report.
                view(sensitive_post_parameters("private_key")(self.export_view)),
                name="petitions_signature_export",
            ),
            path(
                "exports/<str:token>/",
                view(self.export_download_view),
                name="petitions_signatureexport_download",
            ),
            *super().get_urls(),
        ]

    def _export_selected(
        self, request: HttpRequest, queryset: QuerySet[Signature], file_format: str
    ) -> HttpResponseBase | None:
        if queryset.filter(erased_at__isnull=True).count() > settings.EXPORT_ASYNC_THRESHOLD:
            self.message_user(
                request,
                gettext(
                    "Too many signatures to export from a selection: use “Export” with "
                    "filters, which prepares large files in the background."
                ),
                messages.ERROR,
            )
            return None
        return _export_download(
            request,
            signatures=queryset,
            query={
                "selection": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)[:1000],
                "select_across": request.POST.get("select_across") == "1",
                "list": changelist_query_for_trail(request.GET),
            },
            file_format=file_format,
            filename=export_filename(filters=SignatureExportFilters(), file_format=file_format),
        )

    @admin.action(description=_("Export the selected signatures (CSV)"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Signature]):
        return self._export_selected(request, queryset, SignatureExport.Format.CSV)

    @admin.action(description=_("Export the selected signatures (XLSX)"), permissions=["export"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Signature]):
        return self._export_selected(request, queryset, SignatureExport.Format.XLSX)

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        if not self.has_export_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = SignatureExportForm(request.POST, request.FILES)
        else:
            form = SignatureExportForm(
                initial=SignatureExportForm.initial_from_changelist(request.GET)
            )
        if request.method == "POST" and form.is_valid():
            filters = form.filters()
            file_format = form.cleaned_data["format"]
            signatures = signatures_for_export(filters=filters)
            row_count = signatures.count()
            unsealer = form.cleaned_data["unsealer"]
            if row_count > settings.EXPORT_ASYNC_THRESHOLD and unsealer is not None:
                form.add_error(
                    None,
                    gettext(
                        "With the private key, up to %(threshold)s signatures are exported "
                        "here. For %(count)s, run `manage.py export_signatures "
                        "--private-key-stdin` on a computer that holds the key, or export "
                        "without the key (the sealed data left out)."
                    )
                    % {
                        "threshold": intcomma(settings.EXPORT_ASYNC_THRESHOLD),
                        "count": intcomma(row_count),
                    },
                )
            elif row_count > settings.EXPORT_ASYNC_THRESHOLD:
                export = export_jobs.signature_export_queue(
                    actor=request_staff_user(request), filters=filters, file_format=file_format
                )
                export.refresh_from_db(fields=["status"])
                if export.status == SignatureExport.Status.READY:  # written already (make run)
                    prepared = gettext(
                        "%(count)s signatures: the file is ready. Download it below; its link "
                        "is valid %(hours)d hours."
                    )
                else:
                    prepared = gettext(
                        "%(count)s signatures: the file is being prepared. It will be listed "
                        "here with its download link, valid %(hours)d hours."
                    )
                self.message_user(
                    request,
                    prepared % {"count": intcomma(row_count), "hours": settings.EXPORT_LINK_HOURS},
                    messages.SUCCESS,
                )
                return redirect("admin:petitions_signatureexport_changelist")
            else:
                return _export_download(
                    request,
                    signatures=signatures,
                    query=filters.as_json(),
                    file_format=file_format,
                    filename=export_filename(filters=filters, file_format=file_format),
                    unsealer=unsealer,
                )
        return tool_page_response(
            self,
            request,
            "admin/petitions/signature/export.html",
            gettext("Export signatures"),
            form=form,
            threshold=settings.EXPORT_ASYNC_THRESHOLD,
            # The form posts to its own address: the list's filters are still there to name.
            changelist_filters_not_carried=changelist_filters_read(request.GET)[1],
        )

    def export_download_view(self, request: HttpRequest, token: str) -> HttpResponseBase:
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            export = export_jobs.signature_export_download(
                token=token, user=request_staff_user(request), ip_hmac=request_ip_hmac(request)
            )
        except export_jobs.ExportFileMissing:
            self.message_user(
                request,
                gettext(
                    "The file of this export is no longer there: it was deleted or has "
                    "expired. Prepare the export again."
                ),
                messages.ERROR,
            )
            return redirect("admin:petitions_signatureexport_changelist")
        if export is None:
            raise Http404(gettext("This download link has expired or is not yours."))
        response = FileResponse(export.file)
        return _attachment(response, export.file.name.rpartition("/")[2])


@admin.register(SignatureExport)
class SignatureExportAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Large exports written by a worker: each requester sees theirs and its link."""

    list_display = [
        "created_at",
        "requested_by",
        "format",
        "status",
        "rows",
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
        "rows",
        "started_at",
        "finished_at",
        "expires_at",
        "error",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SignatureExport]:
        exports_made = super().get_queryset(request).select_related("requested_by")
        if request.user.is_superuser:
            return exports_made
        return exports_made.filter(requested_by=request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return super().has_view_permission(request, obj) and request.user.has_perm(
            EXPORT_PERMISSION
        )

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if not isinstance(response, TemplateResponse) or response.context_data is None:
            return response  # a refusal, or a redirect
        changelist = response.context_data.get("cl")
        if changelist is None:
            return response
        waiting = [e for e in changelist.result_list if e.status in EXPORTS_WAITING]
        recently = timezone.now() - EXPORTS_REFRESH_LONGEST
        response.context_data.update(
            refresh_seconds=(
                EXPORTS_REFRESH_SECONDS
                if any(export.created_at > recently for export in waiting)
                else None
            ),
            exports_waiting_too_long=any(export.created_at <= recently for export in waiting),
        )
        return response

    @admin.display(description=_("rows"), ordering="row_count")
    def rows(self, export: SignatureExport) -> str:
        # Grouped as staff read numbers ("50 016" in French): the site does not group every
        # number it prints (USE_THOUSAND_SEPARATOR), its ids and years among them.
        return "—" if export.row_count is None else intcomma(export.row_count)

    @admin.display(description=_("download"))
    def download(self, export: SignatureExport) -> str:
        if export.status != SignatureExport.Status.READY or (
            export.expires_at and export.expires_at <= timezone.now()
        ):
            return "—"
        url = reverse(
            "admin:petitions_signatureexport_download",
            kwargs={"token": export_jobs.export_download_token(export=export)},
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))
