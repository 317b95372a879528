from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_mixins import RecordAdminMixin
from staff import selectors, services
from staff.models import AccessEvent
from staff.trail_links import trail_target_admin_urls
from staff.trail_targets import trail_target_html, trail_targets_searched


@admin.register(AccessEvent)
class AccessEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    """The trail, read-only for everyone: superusers too can neither add, change nor delete."""

    list_display = ["created_at", "actor_username", "action", "what_was_touched", "rows"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_username", "target"]
    search_help_text = _('A username, or what was touched as the list shows it ("delivery no. 4").')
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "actor",
        "actor_username",
        "action",
        "what_was_touched",
        "query",
        "rows",
        "ip_hmac",
    ]

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        self._target_admin_urls_attach(request, list(changelist.result_list))
        return changelist

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        event = super().get_object(request, object_id, from_field)
        if event is not None:
            self._target_admin_urls_attach(request, [event])
        return event

    def _target_admin_urls_attach(self, request: HttpRequest, events: list) -> None:
        # Found for the whole page at once, kept on the very rows the page then draws.
        urls = trail_target_admin_urls(events, request=request, admin_site=self.admin_site)
        for event in events:
            event.target_admin_url = urls.get(event.pk)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Staff search what they read ("remise n° 4"); the target keeps "deliveries.Delivery #4".
        named = trail_targets_searched(search_term)
        if named is not None:
            found |= queryset.filter(named)
        return found, may_have_duplicates

    @admin.display(description=_("what was touched"))
    def what_was_touched(self, event: AccessEvent) -> str:
        # Worded now, in the reader's language: the entry keeps a reference and a code.
        return trail_target_html(event, admin_url=getattr(event, "target_admin_url", None))

    @admin.display(description=_("rows"), ordering="row_count")
    def rows(self, event: AccessEvent) -> str | None:
        # Kept as a number, grouped as staff read numbers ("50 016" in French) when shown: the
        # site does not group every number it prints (USE_THOUSAND_SEPARATOR), ids among them.
        return None if event.row_count is None else intcomma(event.row_count)


# Staff enrol and renew their second factor on the site's own pages, and an administrator
# resets it with the action below: django-otp's raw device tables ("TOTP devices", "Static
# devices", untranslated) would only offer a way to break an account.
for device_model in (StaticDevice, TOTPDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "locked_until"]
    actions = ["unlock_accounts", "reset_two_factor"]

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        # One query for the page's lockouts, kept on the very rows the list then draws.
        users = list(changelist.result_list)
        locked = selectors.accounts_locked_until(usernames=[u.get_username() for u in users])
        for user in users:
            user.locked_until = locked.get(user.get_username())
        return changelist

    @admin.display(description=_("locked until"))
    def locked_until(self, user) -> str:
        until = getattr(user, "locked_until", None)
        return date_format(timezone.localtime(until), "DATETIME_FORMAT") if until else "—"

    @admin.action(description=_("Unlock the selected accounts"), permissions=["change"])
    def unlock_accounts(self, request: HttpRequest, queryset) -> None:
        lifted = [
            services.account_unlock(username=user.get_username(), actor=request.user)
            for user in queryset
        ]
        unlocked = sum(unlock.account_was_locked for unlock in lifted)
        reopened = sum(unlock.networks_reopened for unlock in lifted)
        if unlocked:
            self.message_user(
                request,
                ngettext("%(count)s account unlocked.", "%(count)s accounts unlocked.", unlocked)
                % {"count": intcomma(unlocked)},
                messages.SUCCESS,
            )
        if reopened:
            self.message_user(
                request,
                ngettext(
                    "%(count)s network that a selected account had logged in from was reopened.",
                    "%(count)s networks that a selected account had logged in from were reopened.",
                    reopened,
                )
                % {"count": intcomma(reopened)},
                messages.SUCCESS,
            )
        if not unlocked and not reopened:
            self.message_user(
                request, _("None of the selected accounts was locked."), messages.SUCCESS
            )
        still_paused = selectors.networks_paused_count()
        if still_paused:
            self.message_user(
                request,
                ngettext(
                    "Logins from %(count)s other network remain paused until its pause ends "
                    "on its own: none of the selected accounts has logged in from it in the "
                    "last %(days)d days.",
                    "Logins from %(count)s other networks remain paused until their pauses "
                    "end on their own: none of the selected accounts has logged in from them "
                    "in the last %(days)d days.",
                    still_paused,
                )
                % {"count": intcomma(still_paused), "days": selectors.NETWORK_RECENTLY_USED.days},
                messages.WARNING,
            )

    @admin.action(
        description=_("Reset two-step login (they enrol a new app at next login)"),
        permissions=["change"],
    )
    def reset_two_factor(self, request: HttpRequest, queryset) -> None:
        for user in queryset:
            services.two_factor_reset(user=user, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Two-step login reset for %(count)s account.",
                "Two-step login reset for %(count)s accounts.",
                len(queryset),
            )
            % {"count": intcomma(len(queryset))},
            messages.SUCCESS,
        )
