import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from staff.access_trail import request_ip_hmac
from staff.selectors import Lockout, login_lockout_find
from staff.services import login_failure_record


def lockout_message(lockout: Lockout) -> str:
    minutes = max(1, math.ceil((lockout.until - timezone.now()).total_seconds() / 60))
    if lockout.scope == "account":
        message = ngettext(
            "Too many failed attempts: this account is locked for %(minutes)d more minute. "
            "Wait, or ask an administrator to unlock it.",
            "Too many failed attempts: this account is locked for %(minutes)d more minutes. "
            "Wait, or ask an administrator to unlock it.",
            minutes,
        )
    else:
        # Shown whatever username was typed: it says nothing of whether the account exists.
        message = ngettext(
            "Too many failed attempts from your network: logins from it are paused for a "
            "while, and reopen on their own in %(minutes)d minute. To get in sooner, ask an "
            "administrator to unlock your account: that reopens the networks you have logged "
            "in from recently.",
            "Too many failed attempts from your network: logins from it are paused for a "
            "while, and reopen on their own in %(minutes)d minutes. To get in sooner, ask an "
            "administrator to unlock your account: that reopens the networks you have logged "
            "in from recently.",
            minutes,
        )
    return message % {"minutes": minutes}


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The password step: refused while locked out, and every failure counted."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip_hmac = request_ip_hmac(self.request) if self.request else ""
        # Checked before the password, so that a locked account tells a guesser nothing.
        lockout = login_lockout_find(username=username, ip_hmac=ip_hmac)
        if lockout is not None:
            raise ValidationError(lockout_message(lockout), code="locked")
        try:
            return super().clean()
        except ValidationError:
            if username and self.cleaned_data.get("password"):
                lockout = login_failure_record(username=username, ip_hmac=ip_hmac, stage="password")
                if lockout is not None:
                    raise ValidationError(lockout_message(lockout), code="locked") from None
            raise


class SecondFactorForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )
