"""A page's form: what it refuses, on the field to change, with what staff typed kept."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaign import home_page, page_drafts, services
from campaign.admin.page_publishing import PUBLISH_IN_PLACE, page_title_quoted
from campaign.models import Page
from campaign.page_addresses import page_address_taken_by_site


def home_page_taken_message(home: Page) -> str:
    return _(
        "Only one case page is published at a time, and %(page)s is the one shown at the "
        "site's address (/). To show this one there instead, save it with the status “Draft”, "
        "then choose “%(action)s” for it in the list of pages."
    ) % {"page": page_title_quoted(home), "action": PUBLISH_IN_PLACE}


class PageAdminForm(forms.ModelForm):
    # Set by PageAdmin.get_form when staff press "Save as a draft".
    saving_a_draft = False
    # Set by PageAdmin.get_form when the database refused this form's page a moment ago: what
    # another staff member took between the check and the save (`/`, or the page's address),
    # or that they put this page at `/`, which the save would have left without a page.
    taken_while_saving: (
        home_page.HomePageTaken | services.PageAddressTaken | home_page.HomePageRequired | None
    ) = None

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
                home_page.home_page_guard(leaving=Page.objects.filter(pk=self.instance.pk))
            except home_page.HomePageRequired as guarded:
                # Told by the save refused a moment ago, it says the page was put at `/` since.
                meanwhile = self.taken_while_saving
                refused = (
                    meanwhile if isinstance(meanwhile, home_page.HomePageRequired) else guarded
                )
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
            home_page.home_page_taken_guard(campaign=campaign, page_pk=self.instance.pk)
            if isinstance(self.taken_while_saving, home_page.HomePageTaken):
                raise self.taken_while_saving
        except home_page.HomePageTaken as refused:
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
                % {"page": page_title_quoted(other), "slug": slug},
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
