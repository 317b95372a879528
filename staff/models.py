from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The access trail is append-only: events are never changed.")

    def older_than(self, moment) -> "AccessEventQuerySet":
        return self.filter(created_at__lt=moment)


class LoginThrottle(models.Model):
    """Failed logins counted for one account or one network, and its lockout.

    Kept in the database, not the cache: a lockout must outlive a Redis restart, and logging
    in must work while Redis is down. The key is a fingerprint, never a username or address.
    """

    key = models.CharField(_("account or network"), max_length=100, unique=True)
    failures = models.PositiveIntegerField(_("failures in the window"), default=0)
    window_started_at = models.DateTimeField(_("window started"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("login throttle")
        verbose_name_plural = _("login throttles")
        default_permissions = ()

    def __str__(self) -> str:
        return self.key


class AccessEvent(models.Model):
    """One entry of the append-only trail of who touched signature data or staff accounts."""

    class Action(models.TextChoices):
        VIEWED_SIGNATURE = "viewed_signature", _("viewed a signature")
        SEARCHED_SIGNATURES = "searched_signatures", _("searched signatures")
        LISTED_SIGNATURES = "listed_signatures", _("looked through the signature list")
        EXPORTED_SIGNATURES = "exported_signatures", _("exported signatures")
        ERASED_SIGNER = "erased_signer", _("erased a signer")
        HID_NAMES = "hid_names", _("hid signers' names")
        IMPORTED_PAPER_SIGNATURES = "imported_paper_signatures", _("imported paper signatures")
        LOGGED_IN = "logged_in", _("logged in with two factors")
        LOGIN_FAILED = "login_failed", _("failed to log in")
        ACCOUNT_LOCKED = "account_locked", _("account locked")
        NETWORK_LOCKED = "network_locked", _("network locked")
        ACCOUNT_UNLOCKED = "account_unlocked", _("account unlocked")
        NETWORK_UNLOCKED = "network_unlocked", _("network reopened")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("enrolled an authenticator app")
        BACKUP_CODES_RENEWED = "backup_codes_renewed", _("renewed backup codes")
        TWO_FACTOR_RESET = "two_factor_reset", _("two-factor devices reset")
        TRAIL_PURGED = "trail_purged", _("expired trail entries deleted")

    class Note(models.TextChoices):
        """What was done to the target, stored as a code and worded when read, in the reader's
        language (staff/trail_targets.py); `%(target)s` stands for the target where it goes."""

        LOGIN_PASSWORD = "login_password", _("password")
        LOGIN_PASSWORD_UNKNOWN_ACCOUNT = (
            "login_password_unknown_account",
            _("password, unknown account"),
        )
        LOGIN_SECOND_FACTOR = "login_second_factor", _("second factor")
        LOGIN_SECOND_FACTOR_UNKNOWN_ACCOUNT = (
            "login_second_factor_unknown_account",
            _("second factor, unknown account"),
        )
        LOGIN_BACKUP_CODE = "login_backup_code", _("backup code")
        LOGIN_AUTHENTICATOR_APP = "login_authenticator_app", _("authenticator app")
        LOCKED_UNTIL = "locked_until", _("until %(target)s")
        LOCKED_UNTIL_UNKNOWN_ACCOUNT = (
            "locked_until_unknown_account",
            _("until %(target)s, unknown account"),
        )
        ACCOUNT = "account", _("user %(target)s")
        FOR_ACCOUNT = "for_account", _("for user %(target)s")
        PURGED_BEFORE = "purged_before", _("before %(target)s")
        ERASURE_LOOKUP = "erasure_lookup", _("%(target)s (erasure)")
        INVALIDATION_PREVIEW = "invalidation_preview", _("%(target)s (invalidation preview)")
        ACCESS_REQUEST_LOOKUP = "access_request_lookup", _("%(target)s (access request)")
        ACCESS_REQUEST_FILE = (
            "access_request_file",
            _("%(target)s (access request: the file for the person)"),
        )
        RETENTION_UNCONFIRMED_DELETED = (
            "retention_unconfirmed_deleted",
            _("retention: unconfirmed signatures deleted"),
        )
        RETENTION_INVALIDATED_ANONYMISED = (
            "retention_invalidated_anonymised",
            _("retention: unconfirmed invalidated signatures anonymised"),
        )
        RETENTION_CLOSED_PETITIONS_ANONYMISED = (
            "retention_closed_petitions_anonymised",
            _("retention: closed petitions' signatures anonymised"),
        )
        LIST_ON_FILE_REWRITTEN = "list_on_file_rewritten", _("%(target)s: list on file rewritten")
        LIST_NOT_YET_SENT_REWRITTEN = (
            "list_not_yet_sent_rewritten",
            _("%(target)s: list not yet sent rewritten"),
        )
        LIST_REWRITTEN_BEFORE_SENDING = (
            "list_rewritten_before_sending",
            _("%(target)s: list rewritten before sending"),
        )
        LIST_SENT_NOT_RECALLED = (
            "list_sent_not_recalled",
            _("%(target)s: list already sent, cannot be recalled"),
        )
        LIST_BEING_SENT_NOT_RECALLED = (
            "list_being_sent_not_recalled",
            _("%(target)s: list being sent, cannot be recalled"),
        )
        HIDDEN_AGAIN_AFTER_RESTORE = (
            "hidden_again_after_restore",
            _("%(target)s (hidden again after a database restore)"),
        )

    # PROTECT, not SET_NULL: the trail is never updated, so staff who acted are deactivated,
    # not deleted, until their entries expire.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(
        _("actor's username"),
        max_length=150,
        blank=True,
        help_text=_("Empty for the system or an unknown account."),
    )
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    target = models.CharField(
        _("what was touched"),
        max_length=255,
        blank=True,
        help_text=_("What was touched, by type and number, never a signer's details."),
    )
    # A code, never words: the trail is never updated, so what it says must be worded when it
    # is read, in the reader's language, not in the language of whoever acted.
    note = models.CharField(
        _("what was done to it"), max_length=40, choices=Note.choices, blank=True
    )
    query = models.JSONField(_("search and filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    ip_hmac = models.CharField(_("IP address fingerprint"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access trail entry")
        verbose_name_plural = _("access trail")
        ordering = ["-created_at", "-pk"]
        # Nobody adds, changes or deletes entries by hand; data officers only read them.
        default_permissions = ["view"]

    def __str__(self) -> str:
        # The entry's title in the admin: the local time and the action as the list shows them.
        when = formats.date_format(timezone.localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return f"{when} · {self.actor_username or '-'} · {self.get_action_display()}"
