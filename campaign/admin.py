import hashlib
import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from campaign import page_drafts, services
from campaign.admin_mixins import PublicContentAdminMixin
from campaign.models import CallToAction, Campaign, Page, PageCallToAction
from campaign.page_addresses import page_address_taken_by_site
from campaign.page_history import DraftEvent, page_change_message, page_change_message_text
from campaign.views import page_render
from core.admin_mixins import CspNonceMediaMixin, EditedSinceAdminMixin

# The buttons of a published page's form that keep changes aside, or drop them.
DRAFT_SAVE = "_save_draft"
DRAFT_DISCARD = "_discard_draft"


class SwitchedOnLanguagesAdmin(PublicContentAdminMixin, TranslationAdmin):
    """Show the translated fields of the languages the site serves, not of every prepared one."""

    def _hidden_translation_fields(self) -> set[str]:
        served = {code for code, _name in settings.LANGUAGES}
        hidden = set()
        for field in translator.get_options_for_model(self.model).get_field_names():
            for code in settings.MODELTRANSLATION_LANGUAGES:
                if code not in served:
                    hidden.add(build_localized_fieldname(field, code))
        return hidden

    def get_fieldsets(self, request, obj=None):
        hidden = self._hidden_translation_fields()
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["exclude"] = [*(kwargs.get("exclude") or []), *self._hidden_translation_fields()]
        return super().get_form(request, obj, change=change, **kwargs)


@admin.register(Campaign)
class CampaignAdmin(EditedSinceAdminMixin, SwitchedOnLanguagesAdmin):
    list_display = ["name", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["name_fr"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "contact_email"]}),
        (_("Sharing"), {"fields": ["share_image", "share_image_alt", "share_text"]}),
        (
            _("Legal notice"),
            {
                "fields": [
                    "publisher_name",
                    "publisher_address",
                    "publication_director",
                    "hosting_provider",
                ],
                "description": _("The legal notice page shows these details."),
            },
        ),
    ]


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


# The actions that publish pages from the list, named where staff are sent to choose them.
PUBLISH = _("Publish the selected pages")
PUBLISH_IN_PLACE = _("Publish at the site's address (/), in place of the case page there")


def _quoted(page: Page) -> str:
    """Return the page's title between the quotation marks of the staff member's language."""
    return _("“%(title)s”") % {"title": page}


def home_page_taken_message(home: Page) -> str:
    return _(
        "Only one case page is published at a time, and %(page)s is the one shown at the "
        "site's address (/). To show this one there instead, save it with the status “Draft”, "
        "then choose “%(action)s” for it in the list of pages."
    ) % {"page": _quoted(home), "action": PUBLISH_IN_PLACE}


class PageAdminForm(forms.ModelForm):
    # Set by PageAdmin.get_form when staff press "Save as a draft".
    saving_a_draft = False
    # Set by PageAdmin.get_form when the database refused this form's page a moment ago: what
    # another staff member took between the check and the save (`/`, or the page's address).
    taken_while_saving: services.HomePageTaken | services.PageAddressTaken | None = None

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        if self.saving_a_draft:
            self._refuse_what_a_draft_cannot_hold()
        self._refuse_an_address_taken()
        if cleaned_data.get("image") and not cleaned_data.get("image_alt_fr"):
            self.add_error("image_alt_fr", _("Describe the image for people who cannot see it."))
        # self.instance still holds the saved values here: is this the page `/` shows, leaving?
        leaves_home = self.instance.pk and (
            cleaned_data.get("status") == Page.Status.DRAFT
            or cleaned_data.get("kind", Page.Kind.CASE) != Page.Kind.CASE
        )
        if leaves_home:
            try:
                services.home_page_guard(leaving=Page.objects.filter(pk=self.instance.pk))
            except services.HomePageRequired as refused:
                self.add_error("status" if "status" in cleaned_data else None, str(refused))
        self._refuse_a_second_home_page()
        return cleaned_data

    def _refuse_a_second_home_page(self) -> None:
        # Read from cleaned_data: self.instance takes the form's values only after clean().
        cleaned_data = self.cleaned_data
        campaign = cleaned_data.get("campaign")
        if (
            campaign is None
            or cleaned_data.get("kind") != Page.Kind.CASE
            or cleaned_data.get("status") != Page.Status.PUBLISHED
        ):
            return
        try:
            services.home_page_taken_guard(campaign=campaign, page_pk=self.instance.pk)
            if isinstance(self.taken_while_saving, services.HomePageTaken):
                raise self.taken_while_saving
        except services.HomePageTaken as refused:
            # On the field that would publish it: the status, or the kind of a published page.
            kind_only = self.instance.pk and "status" not in self.changed_data
            field = "kind" if kind_only and "kind" in self.changed_data else "status"
            self.add_error(field, home_page_taken_message(refused.home))

    def _refuse_an_address_taken(self) -> None:
        # Said here, on the slug: the model's unique check would say it above the form, naming
        # the campaign and the slug together, as if either could be the one to change.
        campaign, slug = self.cleaned_data.get("campaign"), self.cleaned_data.get("slug")
        if slug and page_address_taken_by_site(slug):
            self.add_error(
                "slug",
                _(
                    "The address /%(slug)s/ is one the site itself uses, so the page would "
                    "not be shown there: choose another one."
                )
                % {"slug": slug},
            )
            return
        if campaign is None or not slug:
            return
        other = campaign.pages.filter(slug=slug).exclude(pk=self.instance.pk).first()
        if other is None and isinstance(self.taken_while_saving, services.PageAddressTaken):
            other = self.taken_while_saving.page
        if other is not None:
            self.add_error(
                "slug",
                _("The page %(page)s already has the address /%(slug)s/: choose another one.")
                % {"page": _quoted(other), "slug": slug},
            )

    def _refuse_what_a_draft_cannot_hold(self) -> None:
        # A draft keeps the texts aside (campaign/page_drafts.py); anything else changed here
        # would be dropped without a word, an uploaded image included.
        held = set(page_drafts.page_draft_columns())
        left_out = [name for name in self.changed_data if name not in held]
        if left_out:
            self.add_error(
                None,
                _(
                    "A draft holds only the page's texts, so these changes would be lost: "
                    "%(fields)s. Press “Save” to publish them with the page, or undo them to "
                    "save a draft."
                )
                % {"fields": ", ".join(str(self.fields[name].label) for name in left_out)},
            )


@admin.register(Page)
class PageAdmin(CspNonceMediaMixin, EditedSinceAdminMixin, SwitchedOnLanguagesAdmin):
    form = PageAdminForm
    # The preview beside the title: on a laptop the last column is the first to scroll out of sight.
    list_display = ["title", "preview_link", "kind", "status", "position", "updated_at"]
    list_display_links = ["title"]
    list_editable = ["position"]
    list_filter = ["status", "kind"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_fr"]}
    inlines = [PageCallToActionInline]
    actions = ["publish", "publish_in_place", "unpublish"]
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

    @admin.action(description=PUBLISH, permissions=["change"])
    def publish(self, request: HttpRequest, queryset) -> None:
        incomplete = services.legal_notices_incomplete(queryset)
        waiting = services.case_pages_waiting(queryset)
        try:
            count = services.pages_publish(pages=queryset)
        except services.HomePageTaken as refused:
            self.message_user(
                request,
                _(
                    "In the same moment, %(page)s was published at the site's address (/), "
                    "where one case page is shown at a time: none of the selected pages was "
                    "published. Choose “%(action)s” again to publish them, the case pages "
                    "excepted."
                )
                % {"page": _quoted(refused.home), "action": PUBLISH},
                messages.ERROR,
            )
            return
        if incomplete:
            self.message_user(
                request,
                _(
                    "The legal notice stays a draft until the campaign's publisher, director of "
                    "publication and host are filled in."
                ),
                messages.WARNING,
            )
        if waiting:
            self.message_user(
                request,
                _(
                    "Only one case page is published at a time, the one shown at the site's "
                    "address (/), so these stay drafts: %(pages)s. To show one of them there, "
                    "select it alone and choose “%(action)s”."
                )
                % {
                    "pages": ", ".join(_quoted(page) for page in waiting),
                    "action": PUBLISH_IN_PLACE,
                },
                messages.WARNING,
            )
        self.message_user(
            request,
            ngettext("%(count)s page published.", "%(count)s pages published.", count)
            % {"count": intcomma(count)},
            messages.SUCCESS,
        )

    @admin.action(description=PUBLISH_IN_PLACE, permissions=["change"])
    def publish_in_place(self, request: HttpRequest, queryset) -> None:
        pages = list(queryset[:2])
        if len(pages) != 1 or pages[0].kind != Page.Kind.CASE:
            self.message_user(
                request,
                _("Select one case page, the one to show at the site's address (/)."),
                messages.ERROR,
            )
            return
        page = pages[0]
        try:
            replaced = services.case_page_publish_in_place(page=page)
        except services.HomePageTaken as refused:
            self.message_user(
                request,
                _(
                    "In the same moment, %(home)s was published at the site's address (/): "
                    "nothing changed. To show %(page)s there instead, choose “%(action)s” for "
                    "it again."
                )
                % {
                    "home": _quoted(refused.home),
                    "page": _quoted(page),
                    "action": PUBLISH_IN_PLACE,
                },
                messages.ERROR,
            )
            return
        if replaced is None:
            done = _("%(page)s is published at the site's address (/).") % {"page": _quoted(page)}
        else:
            done = _(
                "%(page)s is published at the site's address (/); %(replaced)s is a draft."
            ) % {"page": _quoted(page), "replaced": _quoted(replaced)}
        self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected pages"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset) -> None:
        try:
            count = services.pages_unpublish(pages=queryset)
        except services.HomePageRequired as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)s page unpublished.", "%(count)s pages unpublished.", count)
            % {"count": intcomma(count)},
            messages.SUCCESS,
        )

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
        except (services.HomePageTaken, services.PageAddressTaken) as refused:
            # Another case page was published at `/`, or another page saved at this one's
            # address, between the form's check and the save, which the database refused (all
            # of it rolled back). The form is shown again, as typed, refused by its own check,
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

    def has_delete_permission(self, request: HttpRequest, obj: Page | None = None) -> bool:
        if obj is not None:
            try:
                services.home_page_guard(leaving=Page.objects.filter(pk=obj.pk))
            except services.HomePageRequired:
                return False  # `/` would answer 404: no "Delete" button, and a 403 if forced
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
        return page_render(request, form.save(commit=False), is_preview=True)


@admin.register(CallToAction)
class CallToActionAdmin(SwitchedOnLanguagesAdmin):
    list_display = ["title", "kind", "button_label", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["campaign", "kind", "title", "text", "button_label", "url", "is_active"]

    def save_model(self, request: HttpRequest, obj: CallToAction, form, change: bool) -> None:
        services.call_to_action_save(call_to_action=obj)

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CallToActionKindTaken:
            # Another staff member saved a call to action of this kind between the form's
            # check and the save, which the database refused (all of it rolled back). The form
            # is shown again, as typed: its own check now finds that one, committed.
            return super().changeform_view(request, object_id, form_url, extra_context)
