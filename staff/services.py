import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import django_otp
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.actors import Actor
from staff.access_trail import access_event_record
from staff.models import AccessEvent, LoginThrottle
from staff.selectors import (
    Lockout,
    login_throttle_keys,
    networks_logged_in_from,
    second_factor_devices,
    user_by_username,
)

LoginStage = Literal["password", "second_factor"]

BACKUP_CODE_COUNT = 10
# Digits only, so that one code field with a numeric keypad takes app and backup codes alike;
# twelve digits carry as much chance as django-otp's eight base-32 letters (about 40 bits).
BACKUP_CODE_DIGITS = 12


def backup_code_make() -> str:
    """Return a new single-use backup code: BACKUP_CODE_DIGITS random digits."""
    return f"{secrets.randbelow(10**BACKUP_CODE_DIGITS):0{BACKUP_CODE_DIGITS}d}"


def _failure_count(*, key: str, limit: int, now: datetime) -> datetime | None:
    """Count one failure under `key`; lock it and return until when if it reaches `limit`."""
    window = timedelta(seconds=settings.STAFF_LOGIN_FAILURE_WINDOW_SECONDS)
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(
            key=key, defaults={"window_started_at": now}
        )
        if throttle.window_started_at + window <= now:
            throttle.failures, throttle.window_started_at = 0, now
        throttle.failures += 1
        locked_until = None
        if throttle.failures >= limit:
            locked_until = now + timedelta(seconds=settings.STAFF_LOCKOUT_SECONDS)
            throttle.failures, throttle.locked_until = 0, locked_until
        throttle.save()
    return locked_until


# The step a login failed at, for an account that exists and for a name no account has.
LOGIN_FAILURE_NOTES: dict[LoginStage, tuple[AccessEvent.Note, AccessEvent.Note]] = {
    "password": (
        AccessEvent.Note.LOGIN_PASSWORD,
        AccessEvent.Note.LOGIN_PASSWORD_UNKNOWN_ACCOUNT,
    ),
    "second_factor": (
        AccessEvent.Note.LOGIN_SECOND_FACTOR,
        AccessEvent.Note.LOGIN_SECOND_FACTOR_UNKNOWN_ACCOUNT,
    ),
}


def login_failure_record(*, username: str, ip_hmac: str, stage: LoginStage) -> Lockout | None:
    """Count a failed login on the account and the network; lock whichever reaches the limit."""
    user = user_by_username(username)
    known, unknown = LOGIN_FAILURE_NOTES[stage]
    access_event_record(
        actor=user,
        action=AccessEvent.Action.LOGIN_FAILED,
        note=known if user else unknown,
        ip_hmac=ip_hmac,
    )
    lockout = None
    now = timezone.now()
    for scope, key in login_throttle_keys(username=username, ip_hmac=ip_hmac).items():
        limit = (
            settings.STAFF_LOGIN_FAILURE_LIMIT
            if scope == "account"
            else settings.STAFF_LOGIN_NETWORK_FAILURE_LIMIT
        )
        until = _failure_count(key=key, limit=limit, now=now)
        if until is None:
            continue
        access_event_record(
            actor=user,
            action=(
                AccessEvent.Action.ACCOUNT_LOCKED
                if scope == "account"
                else AccessEvent.Action.NETWORK_LOCKED
            ),
            target=f"{until:%Y-%m-%d %H:%M} UTC",
            note=(
                AccessEvent.Note.LOCKED_UNTIL
                if user or scope == "network"
                else AccessEvent.Note.LOCKED_UNTIL_UNKNOWN_ACCOUNT
            ),
            ip_hmac=ip_hmac,
        )
        lockout = lockout or Lockout(scope=scope, until=until)
    return lockout


def login_failures_forget(*, username: str) -> None:
    """Forget an account's failed attempts once its owner has passed both factors."""
    key = login_throttle_keys(username=username, ip_hmac="")["account"]
    LoginThrottle.objects.filter(key=key).exclude(locked_until__gt=timezone.now()).delete()


@dataclass(frozen=True)
class AccountUnlock:
    """What lifting an account's lockout lifted."""

    account_was_locked: bool
    networks_reopened: int
    # Failed logins lock a name whether or not an account has it: a name typed wrong unlocks
    # nothing anyone uses.
    account_exists: bool = True


def account_unlock(*, username: str, actor: Actor) -> AccountUnlock:
    """Lift an account's lockout, forget its failures, and reopen the networks it uses.

    A network paused for failures across accounts stops this one too, at its office say. Only
    the networks it has passed both factors from in the last NETWORK_RECENTLY_USED (30 days)
    are reopened: one it was merely guessed at from, or used once long ago, stays paused, or
    unlocking a victim's account would let their guesser go on.
    """
    now = timezone.now()
    key = login_throttle_keys(username=username, ip_hmac="")["account"]
    was_locked = LoginThrottle.objects.filter(key=key, locked_until__gt=now).exists()
    LoginThrottle.objects.filter(key=key).delete()
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.ACCOUNT_UNLOCKED,
        target=username,
        note=AccessEvent.Note.ACCOUNT,
    )
    user = user_by_username(username)
    known_networks = networks_logged_in_from(user) if user else set()
    paused = LoginThrottle.objects.filter(
        key__in=[f"network:{network}" for network in known_networks], locked_until__gt=now
    )
    reopened = 0
    for throttle in paused:
        reopened += LoginThrottle.objects.filter(pk=throttle.pk).delete()[0]
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.NETWORK_UNLOCKED,
            target=username,
            note=AccessEvent.Note.FOR_ACCOUNT,
            ip_hmac=throttle.key.removeprefix("network:"),
        )
    return AccountUnlock(
        account_was_locked=was_locked, networks_reopened=reopened, account_exists=user is not None
    )


def login_throttles_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the counts whose window and lockout are both over; return how many."""
    now = now or timezone.now()
    window = timedelta(seconds=settings.STAFF_LOGIN_FAILURE_WINDOW_SECONDS)
    return (
        LoginThrottle.objects.filter(window_started_at__lt=now - window)
        .exclude(locked_until__gt=now)
        .delete()[0]
    )


def login_record(*, user: User, device: Device, ip_hmac: str) -> None:
    """Trail a completed two-factor login and forget the account's failed attempts."""
    login_failures_forget(username=user.get_username())
    used_backup_code = isinstance(device, StaticDevice)
    access_event_record(
        actor=user,
        action=AccessEvent.Action.LOGGED_IN,
        note=(
            AccessEvent.Note.LOGIN_BACKUP_CODE
            if used_backup_code
            else AccessEvent.Note.LOGIN_AUTHENTICATOR_APP
        ),
        ip_hmac=ip_hmac,
    )


def second_factor_verify(*, user: User, token: str) -> Device | None:
    """Return the user's device that accepts this code (app code or backup code), if any."""
    token = "".join(token.split()).lower()
    for device in second_factor_devices(user):
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def totp_device_start(*, user: User) -> TOTPDevice:
    """Return the app device being enrolled, creating it; a reload shows the same QR code."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, ip_hmac: str = "") -> list[str] | None:
    """Confirm the app once it shows a valid code; return the new backup codes, or None."""
    if not device.verify_token("".join(token.split())):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    access_event_record(
        actor=device.user, action=AccessEvent.Action.TWO_FACTOR_ENROLLED, ip_hmac=ip_hmac
    )
    return backup_codes_renew(user=device.user, ip_hmac=ip_hmac)


@transaction.atomic
def backup_codes_renew(*, user: User, ip_hmac: str = "") -> list[str]:
    """Replace the user's backup codes with BACKUP_CODE_COUNT new ones, shown only once."""
    StaticDevice.objects.devices_for_user(user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [backup_code_make() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    access_event_record(
        actor=user,
        action=AccessEvent.Action.BACKUP_CODES_RENEWED,
        row_count=len(codes),
        ip_hmac=ip_hmac,
    )
    return codes


@transaction.atomic
def two_factor_reset(*, user: User, actor: Actor) -> int:
    """Delete a user's app and backup codes so that the next login enrols anew."""
    deleted = 0
    for device_model in (TOTPDevice, StaticDevice):
        _rows, by_model = device_model.objects.devices_for_user(user).delete()
        deleted += by_model.get(device_model._meta.label, 0)
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.TWO_FACTOR_RESET,
        target=user.get_username(),
        note=AccessEvent.Note.ACCOUNT,
        row_count=deleted,
    )
    return deleted
