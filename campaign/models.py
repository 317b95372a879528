from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from campaign.legal_notice import legal_notice_complete, legal_notice_error
from campaign.links import link_is_safe, link_validate
from campaign.richtext import RICH_TEXT_EXTENSIONS
from core.public_images import PublicImageField
from core.site_links import link_in_reader_language


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), unique=True)
    tagline = models.CharField(
        _("tagline"), max_length=200, blank=True, help_text=_("Shown under the site name.")
    )
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Used for search engines and link previews when a page has none."),
    )
    share_image = PublicImageField(
        _("share image"),
        upload_to="campaign/share/",
        blank=True,
        help_text=_("Shown when a link is shared (1200 × 630 pixels is best)."),
    )
    share_image_alt = models.CharField(_("share image description"), max_length=200, blank=True)
    share_text = models.CharField(
        _("share text"),
        max_length=280,
        blank=True,
        help_text=_("Suggested message when a supporter shares the campaign."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        help_text=_(
            "On the contact page and in the legal notice, and in each delivery letter as where "
            "the recipient may reply."
        ),
    )
    # The legal notice needs the publisher's identity, which only staff can give.
    publisher_name = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher_address = models.TextField(
        _("publisher's address"),
        blank=True,
        help_text=_("In the legal notice, and at the head of each delivery letter."),
    )
    publication_director = models.CharField(
        _("director of publication"), max_length=200, blank=True
    )
    hosting_provider = models.TextField(
        _("hosting provider"), blank=True, help_text=_("Name, address and telephone of the host.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """Return the campaign's name in `language`, or in the language it falls back to."""
        with translation.override(language):
            return self.name

    def clean(self) -> None:
        if (
            not legal_notice_complete(self)
            and self.pk
            and self.pages.filter(
                kind=Page.Kind.LEGAL_NOTICE, status=Page.Status.PUBLISHED
            ).exists()
        ):
            raise legal_notice_error(self)


# The constraint that keeps one case page published per campaign, the one `/` shows.
ONE_PUBLISHED_CASE_PAGE = "page_one_published_case_page"
# The constraint that gives each page of a campaign an address of its own.
PAGE_UNIQUE_SLUG = "page_unique_slug"


class PageQuerySet(models.QuerySet):
    def published(self) -> "PageQuerySet":
        return self.filter(status=Page.Status.PUBLISHED)

    def of_kind(self, kind: str) -> "PageQuerySet":
        return self.filter(kind=kind)


class Page(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("Case page")
        CONTEXT = "context", _("Context page")
        PRIVACY = "privacy", _("Privacy policy")
        LEGAL_NOTICE = "legal_notice", _("Legal notice")
        CONTACT = "contact", _("Contact and press page")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="pages", verbose_name=_("campaign")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(
        _("slug"), help_text=_("The last part of the page's address, as in /camps/.")
    )
    title = models.CharField(_("title"), max_length=200)
    menu_title = models.CharField(
        _("menu title"), max_length=60, blank=True, help_text=_("Short title for the menu.")
    )
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences shown under the title.")
    )
    body = ProseEditorField(_("body"), extensions=RICH_TEXT_EXTENSIONS, sanitize=True, blank=True)
    image = PublicImageField(
        _("image"),
        upload_to="campaign/pages/",
        blank=True,
        width_field="image_width",
        height_field="image_height",
        help_text=_(
            "On the case page, Mamat's portrait: shown on the first screen beside the title "
            "(a drawn silhouette until one is uploaded). Portrait format, 4 × 5, is best."
        ),
    )
    image_alt = models.CharField(
        _("image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    # Read from the file when it is stored, so that drawing a page never opens the image.
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    seo_title = models.CharField(
        _("search engine title"),
        max_length=70,
        blank=True,
        help_text=_("Title for search engines and link previews; the page title when empty."),
    )
    seo_description = models.CharField(
        _("search engine description"),
        max_length=300,
        blank=True,
        help_text=_("Summary for search engines and link previews; the lead when empty."),
    )
    share_image = PublicImageField(
        _("share image"),
        upload_to="campaign/share/",
        blank=True,
        help_text=_("Image for link previews; the campaign's share image when empty."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # A published page's unpublished changes (its working copy): the texts staff saved as a
    # draft, by column, applied when they publish them (campaign/page_drafts.py).
    working_copy = models.JSONField(_("unpublished changes"), null=True, blank=True, editable=False)
    calls_to_action: "models.ManyToManyField[CallToAction, PageCallToAction]" = (
        models.ManyToManyField(
            "CallToAction",
            through="PageCallToAction",
            related_name="pages",
            blank=True,
            verbose_name=_("calls to action"),
        )
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "slug"], name=PAGE_UNIQUE_SLUG),
            # `/` shows the campaign's case page: with two published, the pages' order alone
            # would say which, and staff would not be told.
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(kind="case", status="published"),
                name=ONE_PUBLISHED_CASE_PAGE,
                violation_error_message=_(
                    "Only one case page is published at a time: it is the one shown at the "
                    "site's address (/)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaign:page", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        if (
            self.kind == self.Kind.LEGAL_NOTICE
            and self.is_published
            and self.campaign_id
            and not legal_notice_complete(self.campaign)
        ):
            raise ValidationError({"status": legal_notice_error(self.campaign)})


# The constraint that gives a campaign one call to action of each kind.
CALL_TO_ACTION_UNIQUE_KIND = "call_to_action_unique_kind"


class CallToAction(models.Model):
    class Kind(models.TextChoices):
        SIGN = "sign", _("Sign the petition")
        DEMAND_CARE = "demand_care", _("Demand medical care")
        DEMAND_INFORMATION = "demand_information", _("Demand information for his family")
        SHARE = "share", _("Share the case")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="calls_to_action",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("text"), blank=True)
    button_label = models.CharField(_("button label"), max_length=60)
    url = models.CharField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where the button leads: an address on this site (/...) or a full https:// address. "
            "Empty: the campaign's own section for this action."
        ),
        validators=[link_validate],
    )
    is_active = models.BooleanField(_("shown"), default=True)

    # Its French link is an address, not prose: French typography leaves it as typed.
    french_typography_leaves = ("url_fr",)

    class Meta:
        verbose_name = _("call to action")
        verbose_name_plural = _("calls to action")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name=CALL_TO_ACTION_UNIQUE_KIND),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def anchor(self) -> str:
        return f"act-{self.kind.replace('_', '-')}"

    @property
    def target_url(self) -> str:
        # Validated when saved; checked again here for a value written around the admin.
        if not self.url or not link_is_safe(self.url):
            return f"#{self.anchor}"
        # A link that fell back to another language's leads to the reader's own site.
        return link_in_reader_language(self, "url")


class PageCallToAction(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, verbose_name=_("page"))
    call_to_action = models.ForeignKey(
        CallToAction, on_delete=models.CASCADE, verbose_name=_("call to action")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("call to action on a page")
        verbose_name_plural = _("calls to action on this page")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "call_to_action"], name="page_call_to_action_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} → {self.call_to_action}"
