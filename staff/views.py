import base64
import io
import time
from collections.abc import Callable
from functools import wraps

import django_otp
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST
from django_otp.middleware import is_verified
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.actors import request_staff_user
from staff import services
from staff.access_trail import request_ip_hmac
from staff.forms import SecondFactorForm, lockout_message
from staff.selectors import backup_codes_left, login_lockout_find, totp_device_confirmed

SECOND_FACTOR_WINDOW_OPENED_AT = "staff_second_factor_window_opened_at"


def password_step_passed(request: HttpRequest) -> None:
    """Open the short window in which this session may give its second factor."""
    request.session[SECOND_FACTOR_WINDOW_OPENED_AT] = time.time()


def _password_step_is_recent(request: HttpRequest) -> bool:
    passed_at = request.session.get(SECOND_FACTOR_WINDOW_OPENED_AT)
    return (
        passed_at is not None
        and time.time() - passed_at < settings.STAFF_SECOND_FACTOR_WINDOW_SECONDS
    )


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _redirect_keeping_next(request: HttpRequest, url_name: str) -> HttpResponse:
    query = urlencode({REDIRECT_FIELD_NAME: _next_url(request)})
    return redirect(f"{reverse(url_name)}?{query}")


def _restart_login(request: HttpRequest, message: str) -> HttpResponse:
    logout(request)
    messages.error(request, message)
    return redirect("admin:login")


def second_factor_step(view: Callable) -> Callable:
    """Let in only a staff member who passed the password step moments ago."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect("admin:login")
        if is_verified(user):
            return redirect(_next_url(request))
        # A session older than the window (a device reset under it, say) must show the
        # password again: it never gets to choose a new device on its own.
        if not _password_step_is_recent(request):
            return _restart_login(request, _("Please log in again."))
        lockout = login_lockout_find(username=user.get_username(), ip_hmac=request_ip_hmac(request))
        if lockout is not None:
            return _restart_login(request, lockout_message(lockout))
        return view(request)

    return never_cache(sensitive_post_parameters()(wrapper))


def _login_complete(request: HttpRequest, device: Device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()
    request.session.pop(SECOND_FACTOR_WINDOW_OPENED_AT, None)
    services.login_record(
        user=request_staff_user(request), device=device, ip_hmac=request_ip_hmac(request)
    )


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "next": _next_url(request),
            **context,
        },
    )


@second_factor_step
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request_staff_user(request)
    if totp_device_confirmed(user) is None:
        return _redirect_keeping_next(request, "admin:staff_two_factor_enrol")
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        device = services.second_factor_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            _login_complete(request, device)
            if isinstance(device, StaticDevice):
                left = backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a backup code: %(count)d left. Renew them soon.",
                        "You used a backup code: %(count)d left. Renew them soon.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
        lockout = services.login_failure_record(
            username=user.get_username(),
            ip_hmac=request_ip_hmac(request),
            stage="second_factor",
        )
        if lockout is not None:
            return _restart_login(request, lockout_message(lockout))
        form.add_error(
            "token",
            _("This code is not valid. Wait for the next code in your app, then try again."),
        )
    return _render(
        request, "staff/two_factor_verify.html", {"form": form, "title": _("Two-step login")}
    )


def _qr_code_data_uri(text: str) -> str:
    # Imported here: only enrolment draws a QR code, every other request is spared the import.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _secret_for_typing(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@second_factor_step
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = request_staff_user(request)
    if totp_device_confirmed(user) is not None:
        # A password alone never replaces a device: losing one goes through an administrator.
        return _redirect_keeping_next(request, "admin:staff_two_factor_verify")
    device = services.totp_device_start(user=user)
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        codes = services.totp_device_confirm(
            device=device, token=form.cleaned_data["token"], ip_hmac=request_ip_hmac(request)
        )
        if codes is not None:
            _login_complete(request, device)
            return _render(
                request,
                "staff/backup_codes.html",
                {"codes": codes, "title": _("Your backup codes")},
            )
        form.add_error(
            "token",
            _("This code is not valid. Check the app shows the account you just added."),
        )
    return _render(
        request,
        "staff/two_factor_enrol.html",
        {
            "form": form,
            "qr_code": _qr_code_data_uri(device.config_url),
            "secret": _secret_for_typing(device),
            "title": _("Set up two-step login"),
        },
    )


@require_POST
def two_factor_sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("admin:login")


@never_cache
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        codes = services.backup_codes_renew(
            user=request_staff_user(request), ip_hmac=request_ip_hmac(request)
        )
        return _render(
            request, "staff/backup_codes.html", {"codes": codes, "title": _("Your backup codes")}
        )
    return _render(
        request,
        "staff/backup_codes_renew.html",
        {"codes_left": backup_codes_left(request_staff_user(request)), "title": _("Backup codes")},
    )


@never_cache
@require_GET
def session_keep(request: HttpRequest) -> HttpResponse:
    """The idle warning's "Stay signed in": asking renews the session (staff.middleware).

    Only a staff member's press calls it: an open page left alone still signs out.
    """
    return HttpResponse(status=204)
