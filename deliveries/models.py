from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.private_storage import delivery_files_storage
from petitions.models import target_label_full, target_label_public

# A schedule's numbers are bounded on every database: SQLite checks no integer's size, and a day
# count past timedelta's (999,999,999 days) stops the scheduled check and the files' deletion
# for every petition. Past each bound a number means "never", which an empty field says already.
# A year: a campaign's deliveries come every few weeks or months; a slower one is "deliver now".
SCHEDULE_EVERY_DAYS_MAX = 366
# Ten million new signatures: more than any one delivery of a campaign like this one waits for,
# and well within the column's range (PostgreSQL's integer stops at 2,147,483,647).
SCHEDULE_THRESHOLD_MAX = 10_000_000
# A year too: the files name signers, some of whom risk reprisals, and the public SHA-256 proves
# the delivery without them; a year covers the target's reply and any question about what went.
# 0 stays allowed: the files go at the next night's deletion.
SCHEDULE_KEEP_FILES_DAYS_MAX = 366


class DeliverySchedule(models.Model):
    """When a petition's new signatures go to its targets."""

    petition = models.OneToOneField(
        "petitions.Petition",
        on_delete=models.CASCADE,
        related_name="delivery_schedule",
        verbose_name=_("petition"),
    )
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"),
        null=True,
        blank=True,
        help_text=_("Deliver new signatures this many days after the last delivery. Empty: never."),
        validators=[MinValueValidator(1), MaxValueValidator(SCHEDULE_EVERY_DAYS_MAX)],
    )
    threshold = models.PositiveIntegerField(
        _("as soon as (signatures)"),
        null=True,
        blank=True,
        help_text=_("Deliver as soon as this many new confirmed signatures wait. Empty: never."),
        validators=[MinValueValidator(1), MaxValueValidator(SCHEDULE_THRESHOLD_MAX)],
    )
    counts_only = models.BooleanField(
        _("counts only"),
        default=False,
        help_text=_(
            "Send only the numbers: no list of names, not even of signers who agreed to be named."
        ),
    )
    keep_files_days = models.PositiveSmallIntegerField(
        _("keep the files sent (days)"),
        default=30,
        help_text=_(
            "The letter and the list of names are deleted this many days after sending; the "
            "public SHA-256 of each stays as proof."
        ),
        validators=[MaxValueValidator(SCHEDULE_KEEP_FILES_DAYS_MAX)],
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Off: nothing is delivered on schedule; staff can still deliver now."),
    )
    waits_for_address = models.BooleanField(
        _("waits for an approved address"),
        default=False,
        help_text=_(
            "Paused until one of the petition's targets has an approved address; then it "
            "starts by itself. The schedule created with the site starts this way."
        ),
    )
    last_run_at = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("delivery schedule")
        verbose_name_plural = _("delivery schedules")
        ordering = ["petition"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gte=1),
                name="delivery_schedule_every_days_positive",
                violation_error_message=_(
                    "The interval must be at least 1 day; leave “every (days)” empty for never."
                ),
            ),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gte=1),
                name="delivery_schedule_threshold_positive",
                violation_error_message=_(
                    "The threshold must be at least 1 signature; leave “as soon as (signatures)” "
                    "empty for never."
                ),
            ),
            # The forms' validators say the bounds first; this keeps any other writer (the
            # shell, a command) from storing a number that stops every scheduled delivery.
            models.CheckConstraint(
                condition=(Q(every_days__isnull=True) | Q(every_days__lte=SCHEDULE_EVERY_DAYS_MAX))
                & (Q(threshold__isnull=True) | Q(threshold__lte=SCHEDULE_THRESHOLD_MAX))
                & Q(keep_files_days__lte=SCHEDULE_KEEP_FILES_DAYS_MAX),
                name="delivery_schedule_bounded",
                violation_error_message=_(
                    "A schedule waits at most a year between deliveries, keeps files a year at "
                    "most, and waits for ten million signatures at most."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.petition)


class DeliveryQuerySet(models.QuerySet):
    def unsent(self) -> "DeliveryQuerySet":
        return self.exclude(status=Delivery.Status.SENT)

    def sent(self) -> "DeliveryQuerySet":
        return self.filter(status=Delivery.Status.SENT)


# The folder, in the "deliveries" storage, holding one folder per delivery, named by its id.
DELIVERIES_FOLDER = "deliveries"


def delivery_files_folder(*, delivery_id: int) -> str:
    """Return the folder of a delivery's files in the "deliveries" storage."""
    return f"{DELIVERIES_FOLDER}/{delivery_id}"


def _delivery_file_path(delivery: "Delivery", filename: str) -> str:
    return f"{delivery_files_folder(delivery_id=delivery.pk)}/{filename}"


class Delivery(models.Model):
    """One batch of a petition's confirmed signatures, sent to one target."""

    class Status(models.TextChoices):
        # The batch is recorded and its files are being written: a worker killed here leaves
        # a delivery that the next run writes again, from the same signatures.
        BUILDING = "building", _("Being prepared")
        # Ready to send, or waiting to try again after the server said "later" (see `error`).
        READY = "ready", _("Ready to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", pgettext_lazy("a delivery or an update", "Sent")
        FAILED = "failed", _("Failed")

    petition = models.ForeignKey(
        "petitions.Petition",
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("petition"),
    )
    target = models.ForeignKey(
        "petitions.Target",
        on_delete=models.PROTECT,
        related_name="deliveries",
        # The target as it is now, which staff may have renamed: the name it was sent to is
        # `recipient_name`.
        verbose_name=_("recipient, as named today"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.BUILDING
    )
    # The target as the letter that went addresses it, recorded with the letter (written again
    # at sending if the target was renamed since: deliveries.file_writing): the public proof and
    # the ledger must say to whom the signatures went, whatever staff rename the target since.
    # Read once sent. Its address is not kept: nothing public shows it. The title is kept since
    # the letter prints it too (deliveries.letter_content.LetterRecipient): a new one writes it
    # again.
    recipient_name = models.CharField(_("recipient's name when sent"), max_length=200, blank=True)
    recipient_title = models.CharField(_("recipient's title when sent"), max_length=200, blank=True)
    recipient_organisation = models.CharField(
        _("recipient's organisation when sent"), max_length=200, blank=True
    )
    # Off for deliveries sent before the name was recorded with the letter: migration 0017 gave
    # those their target's name on the day it ran, which their ledger entry, written when they
    # went, may not say (petitions.ledger.ledger_verify checks the name only where this is on).
    # Off too for those not sent yet whose letter was written before its title was recorded
    # (migration 0019): their letter is written again before it goes.
    recipient_recorded = models.BooleanField(
        _("recipient recorded with the letter"), default=False, editable=False
    )
    counts_only = models.BooleanField(_("counts only"), default=False)
    language = models.CharField(_("language"), max_length=10)
    # Random and never shown publicly: written into both files, so that nobody can confirm a
    # guess about who signed by hashing a candidate file and comparing it with the public hash.
    reference = models.CharField(_("reference"), max_length=64, editable=False)
    total_count = models.PositiveIntegerField(_("new signatures"), default=0)
    named_count = models.PositiveIntegerField(_("named signers"), default=0)
    cumulative_count = models.PositiveIntegerField(
        _("signatures delivered in all"),
        default=0,
        help_text=_(
            "Every signature delivered to this recipient for this petition, these included."
        ),
    )
    counts_by_country = models.JSONField(_("signatures by country"), default=dict, blank=True)
    letter_pdf = models.FileField(
        _("letter (PDF)"), storage=delivery_files_storage, upload_to=_delivery_file_path, blank=True
    )
    letter_sha256 = models.CharField(_("letter SHA-256"), max_length=64, blank=True)
    signatures_csv = models.FileField(
        _("signers (CSV)"),
        storage=delivery_files_storage,
        upload_to=_delivery_file_path,
        blank=True,
    )
    csv_sha256 = models.CharField(_("CSV SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID header"), max_length=255, blank=True)
    esp_message_id = models.CharField(_("ESP message id"), max_length=255, blank=True)
    error = models.TextField(_("last error"), blank=True)
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # After a refusal "for now" (SMTP 4xx, the ESP down): when to try again, and until when to
    # keep trying before the delivery is failed and staff are told.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    retry_until = models.DateTimeField(_("retried until"), null=True, blank=True)
    # The copies kept of the files sent: deleted after the schedule's days, and rewritten
    # without any signer erased since; a delivery not sent yet, without a name hidden since.
    files_deleted_at = models.DateTimeField(_("files deleted"), null=True, blank=True)
    files_changed_at = models.DateTimeField(
        _("list rewritten (a signer erased or a name hidden)"), null=True, blank=True
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_delivery", _("Can deliver signatures and resend a delivery"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["petition", "target", "status"], name="delivery_pair_status"),
        ]

    def __str__(self) -> str:
        return f"{self.petition} → {self.recipient_full()} #{self.pk}"

    def _recipient(self) -> tuple[str, str]:
        """Return the recipient's name and organisation: as recorded when the delivery was
        sent, or the target's as they are until then."""
        if self.status == self.Status.SENT:
            return self.recipient_name, self.recipient_organisation
        return self.target.name, self.target.organisation

    def recipient_shown(self) -> str:
        """Return the recipient as the public sees it: the organisation, or else the name."""
        name, organisation = self._recipient()
        return target_label_public(name=name, organisation=organisation)

    def recipient_full(self) -> str:
        """Return the recipient as staff read it: "name (organisation)", or the name alone."""
        name, organisation = self._recipient()
        return target_label_full(name=name, organisation=organisation)


class DeliveredSignature(models.Model):
    """A signature carried by a delivery: at most one delivery per target."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.PROTECT, related_name="delivered_signatures"
    )
    # A withdrawn signature takes its trace with it; the delivery keeps its counts and files.
    signature = models.ForeignKey(
        "petitions.Signature", on_delete=models.CASCADE, related_name="deliveries_carried"
    )
    # Copied from the delivery so that the database itself refuses a second delivery.
    target = models.ForeignKey("petitions.Target", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("delivered signature")
        verbose_name_plural = _("delivered signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "signature"], name="delivered_signature_once_per_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signature_id} → {self.target_id}"


class AddressApproval(models.Model):
    """One staff member's check of a target's delivery address, as it was then.

    An address receives deliveries once two approvals name it: two staff members' where two or
    more may deliver, the lone one's twice otherwise (deliveries.addresses). Changing the
    target's address leaves the old approvals behind: the new one starts unapproved.
    """

    target = models.ForeignKey(
        "petitions.Target",
        on_delete=models.CASCADE,
        related_name="address_approvals",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("address approved"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        verbose_name = _("address approval")
        verbose_name_plural = _("address approvals")
        ordering = ["approved_at", "pk"]
        indexes = [models.Index(fields=["target", "email"], name="address_approval_target")]

    def __str__(self) -> str:
        return f"{self.email} ({self.approved_by})"


class LetterTemplate(models.Model):
    """What staff write into a petition's letter; the counts and the addresses are filled in.

    Each text has a French and an English version (the target's language chooses); an empty
    salutation, close or signature is chosen from the recipient's title and the campaign.
    """

    petition = models.OneToOneField(
        "petitions.Petition",
        on_delete=models.CASCADE,
        related_name="letter_template",
        verbose_name=_("petition"),
    )
    case_summary = models.TextField(
        _("the case in a few sentences"),
        blank=True,
        help_text=_("Who is held, since when, and why the signers write. Plain text."),
    )
    salutation = models.CharField(
        _("salutation"),
        max_length=200,
        blank=True,
        help_text=_(
            "Empty: chosen from the recipient's title (“Monsieur l'Ambassadeur,”, "
            "“Your Excellency,”, “Madame, Monsieur,”)."
        ),
    )
    closing = models.TextField(
        _("closing"),
        blank=True,
        help_text=_("Empty: a courteous close suited to the recipient's title."),
    )
    signatory = models.CharField(
        _("signed by"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the campaign's name."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return str(self.petition)


# Models in modules of their own, imported here so that Django registers them. Migration 0007
# names the reply's upload path as deliveries.models._reply_file_path: it stays importable here.
from deliveries.notice_models import DeliveryNotice  # noqa: E402, F401
from deliveries.reply_models import DeliveryReply, _reply_file_path  # noqa: E402, F401
