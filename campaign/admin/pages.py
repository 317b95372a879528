"""Pages: their drafts kept aside, their calls to action, their preview and history (their form
is page_form.py, the list's actions that publish page_publishing.py)."""

import hashlib
import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign import home_page, page_drafts, services
from campaign.admin.languages import SwitchedOnLanguagesAdmin
from campaign.admin.page_form import PageAdminForm
from campaign.admin.page_publishing import (
    page_title_quoted,
    publish,
    publish_in_place,
    unpublish,
)
from campaign.admin_mixins import SiteCampaignPreselectedAdminMixin
from campaign.models import Page, PageCallToAction
from campaign.page_history import DraftEvent, page_change_message, page_change_message_text
from campaign.views import page_render
from core.admin_mixins import CspNonceMediaMixin, EditedSinceAdminMixin
from core.public_images import image_data_url

# The buttons of a published page's form that keep changes aside, or drop them.
DRAFT_SAVE = "_save_draft"
DRAFT_DISCARD = "_discard_draft"


def _texts_unlike_published(*, page: Page, values: dict) -> list[str]:
    """Return the draft's columns among `values` that differ from the published page's."""
    published = Page.objects.values(*page_drafts.page_draft_columns()).get(pk=page.pk)
    return [
        column
        for column, value in published.items()
        if column in values and values[column] != value
    ]


def _form_errors_as_text(form: forms.BaseForm) -> str:
    """Return the form's errors as staff read them on the form: each field's label, then why."""
    problems = []
    for name, errors in form.errors.items():
        why = " ".join(str(error) for error in errors)
        field = form.fields.get(name)
        problems.append(
            _("%(field)s: %(errors)s") % {"field": field.label, "errors": why}
            if field is not None
            else why
        )
    return "; ".join(problems)


def _saving_a_draft(request: HttpRequest) -> bool:
    return request.method == "POST" and DRAFT_SAVE in request.POST


class CallsToActionRefusedInADraft(forms.BaseInlineFormSet):
    """The page's calls to action, as a draft's form finds them: to be left as they are."""

    def clean(self) -> None:
        super().clean()
        if self.has_changed():
            raise forms.ValidationError(
                _(
                    "A draft does not hold calls to action: press “Save” to publish these "
                    "changes with the page, or undo them to save a draft."
                )
            )


class PageCallToActionInline(admin.TabularInline):
    model = PageCallToAction
    extra = 0
    fields = ["call_to_action", "position"]
    ordering = ["position"]

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        if _saving_a_draft(request):
            kwargs["formset"] = CallsToActionRefusedInADraft
        return super().get_formset(request, obj, **kwargs)


@admin.register(Page)
class PageAdmin(
    CspNonceMediaMixin,
    EditedSinceAdminMixin,
    SiteCampaignPreselectedAdminMixin,
    SwitchedOnLanguagesAdmin,
):
    form = PageAdminForm
    # The preview beside the title: on a laptop the last column is the first to scroll out of sight.
    list_display = ["title", "preview_link", "kind", "status", "position", "updated_at"]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["status", "kind"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_fr"]}
    inlines = [PageCallToActionInline]
    actions = [publish, publish_in_place, unpublish]
    change_form_template = "admin/campaign/page/change_form.html"
    fieldsets = [
        (None, {"fields": ["campaign", "kind", "status", "slug", "position"]}),
        (_("Content"), {"fields": ["title", "menu_title", "lead", "body"]}),
        (_("Image"), {"fields": ["image", "image_alt", "image_credit"]}),
        (
            _("Search engines and sharing"),
            {"fields": ["seo_title", "seo_description", "share_image"], "classes": ["collapse"]},
        ),
    ]

    @admin.display(description=_("Preview"))
    def preview_link(self, page: Page) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("campaign:page_preview", kwargs={"pk": page.pk}),
            _("Preview"),
        )

    def view_on_site(self, page: Page) -> str:
        # A draft has no public address yet: "View on site" there answered a 404, as if the
        # page were lost. Staff meet its preview instead, which says it is not public.
        if page.is_published:
            return page.get_absolute_url()
        return reverse("campaign:page_preview", kwargs={"pk": page.pk})

    def get_actions(self, request: HttpRequest):
        # Deleting pages in bulk could take `/` with them: one at a time, from the page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.saving_a_draft = change and _saving_a_draft(request)
        form.taken_while_saving = getattr(request, "_page_taken_while_saving", None)
        return form

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (
            home_page.HomePageTaken,
            services.PageAddressTaken,
            home_page.HomePageRequired,
        ) as refused:
            # Another case page was published at `/`, or another page saved at this one's
            # address, between the form's check and the save, which the database refused (all
            # of it rolled back); or this page was put at `/`, which its save would have left
            # without a page. The form is shown again, as typed, refused by its own check,
            # which is told of that page.
            request._page_taken_while_saving = refused  # type: ignore[attr-defined]
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)  # read once already, by the form that was saved
            return super().changeform_view(request, object_id, form_url, extra_context)

    def edit_version(self, obj: Page) -> str:
        # Saving a draft leaves updated_at (the public page's) as it is, and changes the draft.
        draft = json.dumps(obj.working_copy, sort_keys=True, default=str)
        return f"{super().edit_version(obj)} {hashlib.sha256(draft.encode()).hexdigest()}"

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        page = super().get_object(request, object_id, from_field)
        # The change form edits the working copy, if the page has one.
        match = request.resolver_match
        if page is not None and match is not None and match.url_name == "campaign_page_change":
            page_drafts.page_draft_apply(page)
        return page

    def save_model(self, request: HttpRequest, obj: Page, form, change: bool) -> None:
        if not isinstance(form, PageAdminForm):
            # The list's own form, for positions: the rest of `obj` is the row as the list read
            # it. Written again, it would drop the page's draft, and undo a page published at
            # `/` by another staff member since (or be refused by the database for it).
            services.page_save(page=obj, fields=form.changed_data)
            return
        if change and DRAFT_SAVE in request.POST:
            # Kept aside: the public keeps the published page until staff publish the draft.
            request._page_draft_fields = _texts_unlike_published(  # type: ignore[attr-defined]
                page=obj, values=form.cleaned_data
            )
            page_drafts.page_draft_save(page=obj, values=form.cleaned_data)
            request._page_draft_kept = "saved"  # type: ignore[attr-defined]
            return
        if change and DRAFT_DISCARD in request.POST:
            page_drafts.page_draft_discard(page=obj)
            request._page_draft_kept = "discarded"  # type: ignore[attr-defined]
            return
        if change and obj.working_copy:
            # Publishing a draft: what changes for the public is the draft against the
            # published page, which the form (opened on the draft) does not see.
            request._page_draft_fields = _texts_unlike_published(  # type: ignore[attr-defined]
                page=obj, values={column: getattr(obj, column) for column in obj.working_copy}
            )
            request._page_draft_published = True  # type: ignore[attr-defined]
        obj.working_copy = None
        services.page_save(page=obj)

    def construct_change_message(self, request: HttpRequest, form, formsets, add: bool = False):
        """The history says what the public saw change: a draft saved or discarded changed
        nothing public, and a draft published changed what it holds (stored as data, worded
        in the reader's language: campaign/page_history.py)."""
        kept = getattr(request, "_page_draft_kept", None)
        columns = getattr(request, "_page_draft_fields", [])
        if kept == "saved":
            return page_change_message(event=DraftEvent.SAVED, columns=columns)
        if kept == "discarded":
            return page_change_message(event=DraftEvent.DISCARDED, columns=[])
        if getattr(request, "_page_draft_published", False):
            return page_change_message(event=DraftEvent.PUBLISHED, columns=columns)
        return super().construct_change_message(request, form, formsets, add)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        entries = getattr(response, "context_data", {}).get("action_list")
        if entries is not None:
            # Worded now, in the reader's language: Django shows a message that is not JSON
            # as it stands. Nothing is saved.
            entries.object_list = list(entries.object_list)
            for entry in entries.object_list:
                entry.change_message = page_change_message_text(entry)
        return response

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        if getattr(request, "_page_draft_kept", None):
            # Nothing saved: the admin's history entry then lists no inline change.
            for formset in formsets:
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def delete_model(self, request: HttpRequest, obj: Page) -> None:
        services.page_delete(page=obj)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except home_page.HomePageRequired as refused:
            # Put at `/` by another staff member while this deletion went on: nothing was
            # deleted (the admin's transaction rolled back, its history entry with it).
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:campaign_page_change", args=[refused.home.pk])
            )
        except PermissionDenied:
            home = self._put_at_the_root_since_deletion_offered(request, object_id)
            if home is None:
                raise
            # Put at `/` by another staff member between the confirmation page and its
            # "Yes": the admin refused before deleting anything. A 403 would not say why.
            self.message_user(
                request,
                _(
                    "While you were confirming its deletion, %(page)s was published at the "
                    "site's address (/), where it is now the only case page: it was not "
                    "deleted. To delete it, first publish another case page in its place."
                )
                % {"page": page_title_quoted(home)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:campaign_page_change", args=[home.pk]))

    def _put_at_the_root_since_deletion_offered(
        self, request: HttpRequest, object_id: str
    ) -> Page | None:
        """Return the page whose deletion staff confirmed if the admin refused it only because
        it is the case page `/` shows; None if it refused for another reason.

        The admin offers no deletion of that page (has_delete_permission): confirmed, it was
        put there after the confirmation page was shown.
        """
        if request.method != "POST":
            return None
        page = self.get_object(request, unquote(object_id))
        if page is None or not super().has_delete_permission(request, page):
            return None
        try:
            home_page.home_page_guard(leaving=Page.objects.filter(pk=page.pk))
        except home_page.HomePageRequired as refused:
            return refused.home
        return None

    def has_delete_permission(self, request: HttpRequest, obj: Page | None = None) -> bool:
        if obj is not None:
            try:
                home_page.home_page_guard(leaving=Page.objects.filter(pk=obj.pk))
            except home_page.HomePageRequired:
                return False  # `/` would answer 404: no "Delete" button, nor its confirmation
        return super().has_delete_permission(request, obj)

    def response_change(self, request: HttpRequest, obj: Page):
        kept = getattr(request, "_page_draft_kept", None)
        if kept == "saved":
            self.message_user(
                request,
                _(
                    "The draft is saved; the public still sees the published page. Preview it, "
                    "then press “Save” to publish it."
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        if kept == "discarded":
            self.message_user(request, _("The draft is discarded."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview-changes/",
                self.admin_site.admin_view(self.preview_changes_view),
                name="campaign_page_preview_changes",
            ),
            *super().get_urls(),
        ]

    def preview_changes_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Render the edit form's unsaved content as the public page, saving nothing."""
        page = get_object_or_404(Page, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, page):
            raise PermissionDenied
        form_class = self.get_form(request, page, change=True)
        form = form_class(request.POST, request.FILES, instance=page)
        if not form.is_valid():
            # Said on the preview itself, which opens in its own tab: a message would wait
            # for the staff member's next admin page, and the saved page pass for their changes.
            problem = _("The preview needs a valid form: %s") % _form_errors_as_text(form)
            # The form has written its values into `page`, refused ones included.
            saved = page_drafts.page_draft_apply(Page.objects.get(pk=page.pk))
            return page_render(request, saved, is_preview=True, preview_problem=problem)
        changed = form.save(commit=False)
        # An image uploaded with the changes is not stored until they are saved: the preview
        # carries it in the page itself, where its address on the site would answer a 404.
        upload = form.cleaned_data.get("image") if "image" in form.changed_data else None
        return page_render(
            request,
            changed,
            is_preview=True,
            preview_image_url=image_data_url(upload) if upload else "",
        )
