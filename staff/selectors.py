from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.keyed_hashes import keyed_hash
from staff.models import AccessEvent, LoginThrottle


@dataclass(frozen=True)
class Lockout:
    """A refusal to check any password for an account or a network until `until`."""

    scope: str  # "account" or "network"
    until: datetime


def login_throttle_keys(*, username: str, ip_hmac: str) -> dict[str, str]:
    """Name the throttle of the typed username and of the client's network, by fingerprint."""
    # Unknown usernames are counted and locked like real ones, so a lockout never tells
    # a guesser that an account exists.
    account = keyed_hash(
        username.casefold(), key=settings.ACCESS_TRAIL_KEY, purpose="login-account"
    )
    keys = {"account": f"account:{account}"}
    if ip_hmac:
        keys["network"] = f"network:{ip_hmac}"
    return keys


def login_lockout_find(*, username: str, ip_hmac: str) -> Lockout | None:
    """Return the lockout that stops this login attempt, if any."""
    keys = login_throttle_keys(username=username, ip_hmac=ip_hmac)
    scopes = {key: scope for scope, key in keys.items()}
    locked = (
        LoginThrottle.objects.filter(key__in=scopes, locked_until__gt=timezone.now())
        .order_by("-locked_until")
        .first()
    )
    if locked is None or locked.locked_until is None:
        return None
    return Lockout(scope=scopes[locked.key], until=locked.locked_until)


# How recently an account must have passed both factors from a network for unlocking it to
# reopen that network: its office or home, not a café it used once, where a guesser may sit.
NETWORK_RECENTLY_USED = timedelta(days=30)


def networks_logged_in_from(user: User) -> set[str]:
    """Return the fingerprints of the networks the user passed both factors from recently."""
    return set(
        AccessEvent.objects.filter(
            actor=user,
            action=AccessEvent.Action.LOGGED_IN,
            created_at__gte=timezone.now() - NETWORK_RECENTLY_USED,
        )
        .exclude(ip_hmac="")
        .values_list("ip_hmac", flat=True)
        .distinct()
    )


def networks_paused_count() -> int:
    """Return how many networks are paused now for too many failed logins."""
    return LoginThrottle.objects.filter(
        key__startswith="network:", locked_until__gt=timezone.now()
    ).count()


def accounts_locked_until(*, usernames: list[str]) -> dict[str, datetime]:
    """Return, of these accounts, those locked out now, each with the end of its lockout."""
    keys = {
        login_throttle_keys(username=username, ip_hmac="")["account"]: username
        for username in usernames
    }
    locked = LoginThrottle.objects.filter(
        key__in=keys, locked_until__gt=timezone.now()
    ).values_list("key", "locked_until")
    return {keys[key]: until for key, until in locked if until is not None}


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def totp_device_confirmed(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def second_factor_devices(user: User) -> list:
    """Return the devices that may verify a login: the app first, then the backup codes."""
    return [
        *TOTPDevice.objects.devices_for_user(user, confirmed=True),
        *StaticDevice.objects.devices_for_user(user, confirmed=True),
    ]


def backup_codes_left(user: User) -> int:
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    return device.token_set.count() if device else 0
