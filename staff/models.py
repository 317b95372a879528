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
