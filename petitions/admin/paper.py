"""Paper signatures in the admin: print a blank sheet; upload a typed-in one, check it, import.

The uploaded file is read and checked, never stored: the preview carries its content back in
the form (staff's own browser) until staff import it or leave.
"""

import base64
import binascii

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.actors import request_staff_user
from core.admin_mixins import ModelAdminMixinBase
from petitions.admin.tool_pages import tool_page_response
from petitions.models import Petition
from petitions.paper import (
    PaperSheetImportedBefore,
    PaperSheetSent,
    PaperSheetUnreadable,
    paper_column_headings,
    paper_columns,
    paper_sheet_fingerprint,
    paper_sheet_read,
    paper_sheet_refuse_if_imported,
    paper_signatures_import,
)
from petitions.paper_sheet import paper_sheet_pdf_bytes
from staff.access_trail import request_ip_hmac

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class PaperSheetForm(forms.Form):
    sheet = forms.FileField(
        label=_("Typed-in sheet (CSV or XLSX)"),
        required=False,
        help_text=_("One line per signer, in the columns of the blank sheet."),
    )
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    file_name = forms.CharField(widget=forms.HiddenInput, required=False)

    def sheet_content(self) -> tuple[bytes, str]:
        upload = self.cleaned_data.get("sheet")
        if upload is not None:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is larger than 5 MB."))
            return upload.read(), upload.name
        try:
            content = base64.b64decode(self.cleaned_data["content"], validate=True)
        except binascii.Error as error:
            raise forms.ValidationError(_("Choose the file to send.")) from error
        if not content:
            raise forms.ValidationError(_("Choose the file to send."))
        return content, self.cleaned_data["file_name"]


class PaperSignaturesAdminMixin(ModelAdminMixinBase):
    """Adds the paper signatures page to PetitionAdmin."""

    def get_urls(self):
        return [
            path(
                "<path:object_id>/paper/",
                self.admin_site.admin_view(self.paper_view),
                name="petitions_petition_paper",
            ),
            path(
                "<path:object_id>/paper/sheet.pdf",
                self.admin_site.admin_view(self.paper_sheet_view),
                name="petitions_petition_paper_sheet",
            ),
            *super().get_urls(),
        ]

    def paper_sheet_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        petition = get_object_or_404(Petition, pk=object_id)
        if not self.has_view_permission(request, petition):
            raise PermissionDenied
        response = HttpResponse(
            paper_sheet_pdf_bytes(petition=petition), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="paper-sheet-{petition.slug}.pdf"'
        return response

    def paper_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        petition = get_object_or_404(Petition, pk=object_id)
        if not self.has_change_permission(request, petition):
            raise PermissionDenied
        form = PaperSheetForm(request.POST or None, request.FILES or None)
        rows, content, file_name, batch = None, b"", "", None
        if request.method == "POST" and form.is_valid():
            try:
                content, file_name = form.sheet_content()
                paper_sheet_refuse_if_imported(
                    petition=petition, fingerprint=paper_sheet_fingerprint(content)
                )
                sent = PaperSheetSent(
                    petition=petition,
                    content=content,
                    file_name=file_name,
                    actor=request_staff_user(request),
                    ip_hmac=request_ip_hmac(request),
                )
                if "import" in request.POST:
                    batch = paper_signatures_import(**sent)
                else:
                    rows = paper_sheet_read(**sent)
            except (forms.ValidationError, PaperSheetUnreadable, PaperSheetImportedBefore) as error:
                form.add_error(
                    "sheet", error.messages if hasattr(error, "messages") else str(error)
                )
                rows, batch = None, None
            if batch is not None:
                self.message_user(
                    request,
                    gettext("Paper signatures imported: %(count)s. Rows skipped: %(skipped)s.")
                    % {
                        "count": intcomma(batch.row_count),
                        "skipped": intcomma(batch.skipped_count),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:petitions_petition_change", args=[petition.pk])
                )
        return tool_page_response(
            self,
            request,
            "admin/petitions/petition/paper.html",
            gettext("Paper signatures: %(petition)s") % {"petition": petition},
            original=petition,
            form=form,
            rows=rows,
            valid_count=sum(1 for row in rows or [] if not row.errors),
            columns=paper_columns(petition),
            headings=paper_column_headings(petition),
            content=base64.b64encode(content).decode(),
            file_name=file_name,
        )
