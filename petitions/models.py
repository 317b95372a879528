import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from petitions.share_codes import SHARE_CODE_LENGTH

# Goals step up along 1, 5, 10, 50, 100... (1,000 → 5,000 → 10,000): a reached goal is followed
# by one near enough to feel reachable and far enough to be worth a share.
GOAL_LADDER = (1, 5)


def target_label_public(*, name: str, organisation: str) -> str:
    """Return a recipient as the public reads it: the organisation, or else the name.

    The one rule for a target as named now and for a delivery's recipient as recorded; it lives
    here so that the ledger, which never imports deliveries, and the proof of delivery share it.
    """
    return organisation or name


def target_label_full(*, name: str, organisation: str) -> str:
    """Return a recipient as staff read it: "name (organisation)", or the name alone."""
    return f"{name} ({organisation})" if organisation else name


class Target(models.Model):
    """An authority the petition is addressed and delivered to."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")
        CHINESE = "zh-hans", _("Chinese")
        UYGHUR = "ug", _("Uyghur")

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The person or office, as the letter is addressed.")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(
        _("delivery email"),
        help_text=_("Where the petition is delivered. Check it before any delivery."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.FRENCH
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return target_label_full(name=self.name, organisation=self.organisation)


class PetitionQuerySet(models.QuerySet):
    def open_for_signing(self, *, now=None) -> "PetitionQuerySet":
        now = now or timezone.now()
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            status=Petition.Status.OPEN,
        )

    def closed_for_signing(self, *, now=None) -> "PetitionQuerySet":
        """Petitions whose signing is over: closed by staff, or past their closing time."""
        now = now or timezone.now()
        return self.filter(
            Q(status=Petition.Status.CLOSED) | Q(status=Petition.Status.OPEN, closes_at__lte=now)
        )

    def public(self) -> "PetitionQuerySet":
        return self.exclude(status=Petition.Status.DRAFT)


class Petition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    campaign = models.ForeignKey(
        "campaign.Campaign",
        on_delete=models.PROTECT,
        related_name="petitions",
        verbose_name=_("campaign"),
    )
    slug = models.SlugField(
        _("slug"),
        unique=True,
        # No angle brackets: the admin prints help texts as HTML, and "<slug>" vanished.
        help_text=_("The last part of the petition's address, as in /petition/liberez-mamat/."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(
        _("text"),
        help_text=_(
            "Why people should sign; shown above the form. A blank line starts a paragraph; "
            "lines that start with “- ” show as a list."
        ),
    )
    demand = models.TextField(
        _("demand"),
        help_text=_(
            "What the petition asks of the authorities, in their words. Lines that start with "
            "“- ” show as a list on the site; the letter to the authorities keeps them as typed."
        ),
    )
    seo_description = models.CharField(
        _("search engine description"),
        max_length=300,
        blank=True,
        help_text=_("Summary for search engines and link previews; the text's start when empty."),
    )
    targets = models.ManyToManyField(
        Target, related_name="petitions", blank=True, verbose_name=_("addressed to")
    )
    goal = models.PositiveIntegerField(
        _("goal"),
        default=1000,
        help_text=_("The first goal shown; once reached, the next one is shown (5×, 10×, 50×…)."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    opens_at = models.DateTimeField(
        _("opens"), null=True, blank=True, help_text=_("Empty: open as soon as the status is open.")
    )
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("Empty: open until staff close it.")
    )
    flagged_email_delay_hours = models.PositiveSmallIntegerField(
        _("delay before emailing a flagged signer (hours)"),
        default=24,
        help_text=_(
            "A signature over a rate limit gets its confirmation email once staff approve it, "
            "or after this many hours."
        ),
    )
    trend_alert_threshold = models.PositiveIntegerField(
        _("alert from (signatures an hour from one source)"),
        default=100,
        help_text=_(
            "Managers are emailed, once an hour per source, when this many signatures in an "
            "hour come from one IP fingerprint, email domain or referral code. 0: never."
        ),
    )
    asks_postcode = models.BooleanField(_("ask for a postcode"), default=False)
    allows_comment = models.BooleanField(_("allow a comment"), default=False)
    # Written only by the periodic reconciliation (never per signature), and read when the
    # cache has nothing: no row here is locked by each confirmation.
    confirmed_count = models.PositiveIntegerField(_("confirmed signatures"), default=0)
    confirmed_count_at = models.DateTimeField(_("counted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from petitions.petition_addresses import petition_slug_taken_by_site

        if self.slug and petition_slug_taken_by_site(self.slug):
            raise ValidationError(
                {
                    "slug": _(
                        "The site already uses this address for signers' pages. Choose another."
                    )
                }
            )

    def is_open_for_signing(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    def has_closed(self, *, now=None) -> bool:
        """Whether signing is over: closed by staff, or past its closing time."""
        now = now or timezone.now()
        return self.status == self.Status.CLOSED or (
            self.status == self.Status.OPEN and self.closes_at is not None and self.closes_at <= now
        )

    def opens_later(self, *, now=None) -> bool:
        """Whether signing is set to open at a time still to come."""
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at is not None and now < self.opens_at

    def goal_for(self, count: int) -> int:
        """Return the goal to show for `count` signatures: the first goal, then the next step."""
        goal = max(self.goal, 1)
        if count < goal:
            return goal
        magnitude = 1
        while True:
            for step in GOAL_LADDER:
                candidate = step * magnitude
                if candidate > count and candidate > goal:
                    return candidate
            magnitude *= 10


class SignatureQuerySet(models.QuerySet):
    def confirmed(self) -> "SignatureQuerySet":
        return self.filter(status=Signature.Status.CONFIRMED)

    def flagged(self) -> "SignatureQuerySet":
        return self.filter(status=Signature.Status.FLAGGED)

    def awaiting_confirmation(self) -> "SignatureQuerySet":
        """Signatures whose signer has not clicked the link yet (flagged ones included)."""
        return self.filter(
            status__in=[Signature.Status.PENDING, Signature.Status.FLAGGED],
            confirmed_at__isnull=True,
        )

    def confirmation_owed(self) -> "SignatureQuerySet":
        """Signatures whose confirmation email has not been accepted by the ESP yet."""
        return self.awaiting_confirmation().filter(confirmation_sent_at__isnull=True)

    def not_erased(self) -> "SignatureQuerySet":
        return self.filter(erased_at__isnull=True)

    def shown_publicly(self) -> "SignatureQuerySet":
        """Signers who asked to be shown, whose name passed petitions/names.py and staff."""
        return self.filter(show_first_name=True, name_review=Signature.NameReview.LISTED)

    def named_in_delivery(self) -> "SignatureQuerySet":
        """Signers who asked to be named to the authorities, whose name may be said."""
        return self.filter(name_in_delivery=True, name_review=Signature.NameReview.LISTED)


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        FLAGGED = "flagged", _("Flagged for review")
        INVALIDATED = "invalidated", _("Invalidated")

    class EmailStatus(models.TextChoices):
        NONE = "", _("Not sent yet")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        DEFERRED = "deferred", _("Deferred")
        BOUNCED = "bounced", _("Bounced")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")
        COMPLAINED = "complained", _("Marked as spam")
        CAPPED = "capped", _("Not sent: this mailbox had its emails for the day")
        # Signed on a paper sheet: no confirmation email is ever due.
        NOT_EMAILED = "not_emailed", _("None: signed on paper")
        # Owed, but the petition stopped taking signatures before it went: nothing to confirm.
        PETITION_CLOSED = "closed", _("Not sent: the petition had closed")

    class NameReview(models.TextChoices):
        LISTED = "listed", _("May be named")
        UNLISTED = "unlisted", _("Not named: does not look like a name")
        HIDDEN = "hidden", _("Not named: hidden by staff")

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("petition")
    )
    # Public and random: what the signed links carry, so that no link reveals a row number.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # What a signer gave stays readable only while the site needs it: the email until the last
    # email it may still get has gone, a first name shown publicly or a name given to the
    # authorities for as long as they chose so. The rest is in `sealed_data`, sealed to the
    # data officers' key (petitions/sealing.py), and blank here; the address of a signer who
    # asked for news is in `news_address`, which only the running site can open.
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    # A keyed hash of the mailbox (petitions.mailboxes.mailbox_hash): one signature per
    # mailbox, erasure by address, without the address.
    mailbox_hash = models.CharField(_("mailbox fingerprint"), max_length=64, editable=False)
    country = CountryField(_("country"))
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    sealed_data = models.BinaryField(_("sealed personal data"), null=True, blank=True)
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True, editable=False)
    # Encrypted with NEWS_ADDRESS_KEY (core/secret_boxes.py) until they unsubscribe.
    news_address = models.BinaryField(
        _("address for news, encrypted"), null=True, blank=True, editable=False
    )
    # One reminder for a signer who has not confirmed a day after their email: a copy of the
    # address encrypted with REMINDER_ADDRESS_KEY, destroyed once it went or they confirmed.
    reminder_address = models.BinaryField(
        _("address for the reminder, encrypted"), null=True, blank=True, editable=False
    )
    reminder_due_at = models.DateTimeField(_("reminder due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # The domain alone, kept after the address is sealed: trends, domain lists and invalidation
    # by domain. Never published: a rare domain could point at a person.
    email_domain = models.CharField(_("email domain"), max_length=253, blank=True)
    # A coarse family of the browser (petitions/agent_families.py), never the whole user agent.
    agent_family = models.CharField(_("browser family"), max_length=30, blank=True)
    # Set by an invalidation by criteria, with the status it had, so that it can be undone.
    invalidation = models.ForeignKey(
        "petitions.Invalidation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
        verbose_name=_("invalidated by"),
    )
    status_before_invalidation = models.CharField(
        _("status before the invalidation"), max_length=20, choices=Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmed_at = models.DateTimeField(
        pgettext_lazy("signature date", "confirmed"), null=True, blank=True
    )
    ip_hash = models.CharField(
        _("IP fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("A keyed hash of the address: the address itself is never stored."),
    )
    share_code = models.CharField(
        _("share code"), max_length=SHARE_CODE_LENGTH, unique=True, editable=False
    )
    referral_code = models.CharField(
        _("came through share code"), max_length=SHARE_CODE_LENGTH, blank=True, db_index=True
    )
    # Signed online, or on a paper sheet typed in by staff (petitions/paper.py).
    source = models.CharField(
        _("how signed"),
        max_length=10,
        choices=[("online", _("online")), ("paper", _("on paper"))],
        default="online",
    )
    paper_import = models.ForeignKey(
        "PaperImport", on_delete=models.PROTECT, null=True, blank=True, editable=False,
        related_name="signatures", verbose_name=_("paper sheets import"),
    )  # fmt: skip
    # The consent record: what the signer saw and chose, and when.
    privacy_notice_version = models.CharField(_("privacy notice version"), max_length=20)
    consented_at = models.DateTimeField(_("consent given"))
    newsletter_opt_in = models.BooleanField(_("wants campaign news"), default=False)
    show_first_name = models.BooleanField(_("first name shown publicly"), default=False)
    name_in_delivery = models.BooleanField(_("named in the delivery"), default=False)
    # Whether the name may be said, in public or to the authorities, whatever the signer asked:
    # set as they sign (petitions/names.py), changed by staff (petitions/name_review.py).
    name_review = models.CharField(
        _("name review"), max_length=10, choices=NameReview.choices, default=NameReview.LISTED
    )
    # The confirmation email: the row is its outbox. It is due from confirmation_due_at (a
    # sender's claim, a retry's backoff and a flagged signer's delay all move it on), and
    # sent_at is set once the ESP accepted it, never twice.
    confirmation_due_at = models.DateTimeField(_("confirmation due"), default=timezone.now)
    # When the email now owed first became due (signing, a flagged signer's delay or approval,
    # signing again, the reminder), which claims and backoffs leave alone: its "try later"s
    # are retried for SIGNATURE_EMAIL_RETRY_HOURS from then.
    confirmation_owed_at = models.DateTimeField(
        _("confirmation owed since"), default=timezone.now, editable=False
    )
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmation_send_count = models.PositiveSmallIntegerField(_("confirmations sent"), default=0)
    confirmation_attempts = models.PositiveSmallIntegerField(
        _("failed attempts"), default=0, help_text=_("Attempts the mail server refused for now.")
    )
    # The same on every attempt of one email, so that a resend after a lost answer is
    # recognised as the same message by the recipient's mail system.
    confirmation_message_id = models.CharField(
        _("Message-ID"), max_length=200, blank=True, editable=False
    )
    email_message_id = models.CharField(_("ESP message id"), max_length=200, blank=True)
    email_status = models.CharField(
        _("email status"), max_length=20, choices=EmailStatus.choices, blank=True, default=""
    )
    email_error = models.CharField(
        _("email error"),
        max_length=300,
        blank=True,
        help_text=_("What the mail server last answered when it refused the email."),
    )
    # Why staff last confirmed, flagged or invalidated it by hand (empty: never reviewed).
    status_reason = models.CharField(_("reason for the status"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("status reviewed"), null=True, blank=True)
    # Set when the signer's details were anonymised in place (erasure, retention): the row
    # stays so that counts and delivery records stay true, but nothing in it names anyone.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at", "pk"]
        permissions = [
            ("export_signatures", _("Can export signatures")),
            ("erase_signer", _("Can erase a signer's data")),
            ("view_signer_contact", _("Can see signers' email addresses and named lists")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "mailbox_hash"], name="signature_unique_mailbox"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="signature_confirmed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "status"], name="signature_petition_status"),
            models.Index(
                fields=["petition", "-confirmed_at"],
                condition=Q(status="confirmed", show_first_name=True, name_review="listed"),
                name="signature_recent_public",
            ),
            models.Index(
                fields=["confirmation_due_at"],
                condition=Q(confirmation_sent_at__isnull=True, confirmed_at__isnull=True),
                name="signature_confirmation_due",
            ),
            # The admin's list at a million rows: its order, alone or within a petition, and
            # the search by address (across petitions, for erasure too). The prefix search on
            # names uses pattern-ops expression indexes that only PostgreSQL has: they are
            # made by migration 0002 outside the model state.
            models.Index(fields=["-created_at", "id"], name="signature_latest"),
            models.Index(
                fields=["petition", "-created_at", "id"], name="signature_petition_latest"
            ),
            models.Index(fields=["mailbox_hash"], name="signature_mailbox"),
            # Invalidation by criteria finds a petition's signatures by domain or fingerprint.
            models.Index(fields=["petition", "email_domain"], name="signature_petition_domain"),
            models.Index(fields=["petition", "ip_hash"], name="signature_petition_ip"),
            models.Index(
                fields=["reminder_due_at"],
                condition=Q(reminder_address__isnull=False),
                name="signature_reminder_due",
            ),
            # The ESP's webhooks name the email by its id, one event at a time.
            models.Index(
                fields=["email_message_id"],
                condition=~Q(email_message_id=""),
                name="signature_email_message",
            ),
        ]

    def __str__(self) -> str:
        # No name: the admin shows this in titles and keeps it in its log table, which a copy
        # of the database would carry.
        return gettext("Signature %(number)s") % {"number": self.pk}


# Models that live in modules of their own, imported here so that Django registers them.
from petitions.export_models import (  # noqa: E402, F401
    SignatureExport,
    _signature_export_path,  # named by migrations
)
from petitions.invalidation_models import (  # noqa: E402, F401
    EmailDomainRule,
    Invalidation,
    TrendAlert,
)
from petitions.ledger_models import LedgerEntry  # noqa: E402, F401
from petitions.mailbox_models import MailboxDailySends  # noqa: E402, F401
from petitions.paper_models import PaperImport  # noqa: E402, F401
from petitions.withdrawal_link_models import WithdrawalLinkRequest  # noqa: E402, F401
