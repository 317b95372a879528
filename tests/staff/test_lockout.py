import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from staff.access_trail import ip_hmac
from staff.forms import lockout_message
from staff.models import AccessEvent
from staff.selectors import Lockout
from tests.staff_fixtures import (
    STAFF_PASSWORD,
    login_verified,
    staff_user_create,
    totp_code,
    totp_device_for,
)

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
VERIFY_URL = reverse("admin:staff_two_factor_verify")


def _log_in(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def locked_text(until) -> str:
    from django.utils.formats import date_format

    with translation.override("fr"):
        return date_format(timezone.localtime(until), "DATETIME_FORMAT")


def _fail_ten_times(client, username):
    for attempt in range(10):
        response = _log_in(client, username, f"wrong password {attempt}")
    return response


def test_ten_wrong_passwords_lock_the_account_and_the_lockout_is_logged(client):
    user = staff_user_create()

    response = _fail_ten_times(client, "staff")

    assert "ce compte est bloqué pendant encore 30 minutes" in _text(response)
    refused = _log_in(client, "staff", STAFF_PASSWORD)
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    failures = AccessEvent.objects.filter(actor=user, action=AccessEvent.Action.LOGIN_FAILED)
    assert failures.count() == 10
    lockout = AccessEvent.objects.get(action=AccessEvent.Action.ACCOUNT_LOCKED)
    assert lockout.actor == user
    assert lockout.ip_hmac
    assert "203.0.113.7" not in str(lockout.__dict__)


def test_nine_wrong_passwords_then_the_right_one_still_log_in(client):
    staff_user_create()
    for attempt in range(9):
        _log_in(client, "staff", f"wrong {attempt}")

    response = _log_in(client, "staff", STAFF_PASSWORD)

    assert response["Location"].startswith(VERIFY_URL)


def test_locked_message_is_complete_in_english():
    lockout = Lockout(scope="account", until=timezone.now() + timedelta(minutes=30))

    with translation.override("en"):
        message = lockout_message(lockout)

    assert message == (
        "Too many failed attempts: this account is locked for 30 more minutes. "
        "Wait, or ask an administrator to unlock it."
    )


def test_paused_network_message_says_when_it_reopens_and_who_can_reopen_it_sooner():
    lockout = Lockout(scope="network", until=timezone.now() + timedelta(minutes=15))

    with translation.override("en"):
        message = lockout_message(lockout)

    assert message == (
        "Too many failed attempts from your network: logins from it are paused for a while, "
        "and reopen on their own in 15 minutes. To get in sooner, ask an administrator to "
        "unlock your account: that reopens the networks you have logged in from recently."
    )


def test_a_paused_network_says_the_same_to_a_real_account_and_an_unknown_one(client):
    staff_user_create()
    for number in range(30):
        _log_in(client, f"guess-{number}", "wrong password")

    real = _log_in(client, "staff", STAFF_PASSWORD).context["form"].non_field_errors()
    unknown = _log_in(client, "nobody-here", STAFF_PASSWORD).context["form"].non_field_errors()

    assert "depuis votre réseau" in str(real)
    assert real == unknown


def test_unknown_usernames_are_locked_like_real_ones(client):
    # Otherwise the lockout would tell a guesser which accounts exist.
    response = _fail_ten_times(client, "nobody-here")

    assert "ce compte est bloqué" in _text(response)
    event = AccessEvent.objects.get(action=AccessEvent.Action.ACCOUNT_LOCKED)
    assert event.actor is None
    assert event.note == AccessEvent.Note.LOCKED_UNTIL_UNKNOWN_ACCOUNT


def test_one_network_guessing_many_accounts_is_paused(client):
    for number in range(30):
        _log_in(client, f"guess-{number}", "wrong password")
    staff_user_create()

    response = _log_in(client, "staff", STAFF_PASSWORD)
    elsewhere = _log_in(client, "staff", STAFF_PASSWORD, ip="198.51.100.9")

    assert "depuis votre réseau" in _text(response)
    assert elsewhere["Location"].startswith(VERIFY_URL)
    assert AccessEvent.objects.filter(action=AccessEvent.Action.NETWORK_LOCKED).count() == 1


def test_wrong_second_factor_codes_count_towards_the_lockout(client):
    user = staff_user_create()
    totp_device_for(user)
    for _attempt in range(9):
        _log_in(client, "staff", "wrong password")
    _log_in(client, "staff", STAFF_PASSWORD)

    response = client.post(VERIFY_URL, {"token": "000000"})

    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session
    assert AccessEvent.objects.filter(actor=user, action="account_locked").exists()


def test_administrator_unlocks_an_account_from_the_command_line(client):
    user = staff_user_create()
    device = totp_device_for(user)
    _fail_ten_times(client, "staff")

    call_command("staff_unlock", "staff")

    assert _log_in(client, "staff", STAFF_PASSWORD)["Location"].startswith(VERIFY_URL)
    assert client.post(VERIFY_URL, {"token": totp_code(device)}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert AccessEvent.objects.filter(action=AccessEvent.Action.ACCOUNT_UNLOCKED).exists()


def test_administrator_reads_in_french_that_the_command_unlocked_the_account(client):
    from io import StringIO

    staff_user_create()
    _fail_ten_times(client, "staff")
    printed = StringIO()

    with translation.override("fr"):
        call_command("staff_unlock", "staff", stdout=printed)

    assert printed.getvalue() == "Le compte staff est débloqué.\n"


def test_administrator_who_mistypes_the_name_is_told_no_account_has_it(client):
    from io import StringIO

    staff_user_create()
    _fail_ten_times(client, "staff")
    printed = StringIO()

    with translation.override("fr"):
        call_command("staff_unlock", "staf", stdout=printed)

    assert printed.getvalue().startswith("Aucun compte ne s’appelle staf\u00a0: vérifiez le nom.")
    # The real account is still locked: nothing was done to it.
    assert not _log_in(client, "staff", STAFF_PASSWORD).has_header("Location")


def test_administrator_unlocks_an_account_from_the_user_list(client):
    user = staff_user_create()
    _fail_ten_times(client, "staff")
    admin_client = type(client)()
    administrator = staff_user_create("administrator", is_superuser=True)
    login_verified(admin_client, administrator)

    users = admin_client.get(reverse("admin:auth_user_changelist"))
    locked = {row.username: row.locked_until for row in users.context["cl"].result_list}
    assert locked["staff"] > timezone.now() and locked["administrator"] is None
    assert f'<td class="field-locked_until">{locked_text(locked["staff"])}</td>' in (
        users.content.decode()
    )

    unlocked = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [user.pk, administrator.pk]},
        follow=True,
    )

    assert "1 compte débloqué." in unlocked.content.decode()
    assert _log_in(client, "staff", STAFF_PASSWORD)["Location"].startswith(VERIFY_URL)
    unlock = AccessEvent.objects.get(
        action=AccessEvent.Action.ACCOUNT_UNLOCKED, target="staff", note=AccessEvent.Note.ACCOUNT
    )
    assert unlock.actor == administrator


OFFICE = "203.0.113.7"
CAFE = "198.51.100.9"


def _pause_network(client, ip):
    for number in range(30):
        _log_in(client, f"guess-{number}", "wrong password", ip=ip)


def _administrator_unlocks(client, user):
    admin_client = type(client)()
    administrator = staff_user_create("administrator", is_superuser=True)
    login_verified(admin_client, administrator)
    unlocked = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "unlock_accounts", "_selected_action": [user.pk]},
        follow=True,
    )
    return administrator, _text(unlocked)


def test_unlocking_an_account_reopens_the_office_network_it_logs_in_from(client):
    user = staff_user_create()
    device = totp_device_for(user)
    _log_in(client, "staff", STAFF_PASSWORD, ip=OFFICE)
    client.post(VERIFY_URL, {"token": totp_code(device)}, REMOTE_ADDR=OFFICE)
    client.logout()
    # A colleague's misconfigured password manager, or someone on the office's wifi.
    _pause_network(client, OFFICE)
    assert "depuis votre réseau" in _text(_log_in(client, "staff", STAFF_PASSWORD, ip=OFFICE))

    administrator, said = _administrator_unlocks(client, user)

    assert "1 réseau d’où un compte sélectionné s’était déjà connecté a été rouvert." in said
    assert _log_in(client, "staff", STAFF_PASSWORD, ip=OFFICE)["Location"].startswith(VERIFY_URL)
    reopened = AccessEvent.objects.get(action=AccessEvent.Action.NETWORK_UNLOCKED)
    assert reopened.actor == administrator
    assert (reopened.target, reopened.note) == ("staff", AccessEvent.Note.FOR_ACCOUNT)
    assert reopened.ip_hmac == (
        AccessEvent.objects.filter(action=AccessEvent.Action.NETWORK_LOCKED).get().ip_hmac
    )


def test_unlocking_an_account_leaves_paused_a_network_it_never_logged_in_from(client):
    user = staff_user_create()
    # Someone elsewhere guesses at accounts, this one among them.
    _fail_ten_times(client, "staff")
    _pause_network(client, CAFE)

    _administrator, said = _administrator_unlocks(client, user)

    assert "1 compte débloqué." in said
    assert "Les connexions depuis 1 autre réseau restent suspendues" in said
    assert "depuis votre réseau" in _text(_log_in(client, "staff", STAFF_PASSWORD, ip=CAFE))
    assert _log_in(client, "staff", STAFF_PASSWORD, ip=OFFICE)["Location"].startswith(VERIFY_URL)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.NETWORK_UNLOCKED).exists()


def test_unlocking_an_account_leaves_paused_a_network_it_last_logged_in_from_long_ago(client):
    user = staff_user_create()
    AccessEvent.objects.create(
        actor=user,
        action=AccessEvent.Action.LOGGED_IN,
        ip_hmac=ip_hmac(CAFE),
        created_at=timezone.now() - timedelta(days=31),
    )
    # A guesser on the café's wifi, where the member once logged in, a month ago.
    _pause_network(client, CAFE)

    _administrator, said = _administrator_unlocks(client, user)

    assert "Les connexions depuis 1 autre réseau restent suspendues" in said
    assert "depuis votre réseau" in _text(_log_in(client, "staff", STAFF_PASSWORD, ip=CAFE))
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.NETWORK_UNLOCKED).exists()


@pytest.fixture
def redis_down(settings):
    """Point the cache at a port where no Redis answers, as when Redis has stopped."""
    from tests.smtp_sink import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_a_lockout_outlives_the_cache_being_emptied(client):
    from django.core.cache import cache

    staff_user_create()
    _fail_ten_times(client, "staff")

    cache.clear()  # Redis restarted

    refused = _log_in(client, "staff", STAFF_PASSWORD)
    assert "ce compte est bloqué" in _text(refused)
    assert "_auth_user_id" not in client.session


def test_staff_log_in_with_both_factors_while_redis_is_down(client, redis_down):
    user = staff_user_create()
    device = totp_device_for(user)

    password_step = _log_in(client, "staff", STAFF_PASSWORD)
    code_step = client.post(VERIFY_URL, {"token": totp_code(device)})

    assert password_step.status_code == 302
    assert code_step.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_lockouts_keep_working_while_redis_is_down(client, redis_down):
    staff_user_create()

    response = _fail_ten_times(client, "staff")

    assert "ce compte est bloqué pendant encore 30 minutes" in _text(response)
    assert "_auth_user_id" not in _log_in(client, "staff", STAFF_PASSWORD).wsgi_request.session


def test_a_lockout_ends_after_its_time_and_the_owner_logs_in_with_both_factors(client, settings):
    settings.STAFF_LOCKOUT_SECONDS = 2
    user = staff_user_create()
    device = totp_device_for(user)
    _fail_ten_times(client, "staff")
    assert "ce compte est bloqué pendant encore 1 minute" in _text(
        _log_in(client, "staff", STAFF_PASSWORD)
    )

    time.sleep(settings.STAFF_LOCKOUT_SECONDS + 0.5)

    assert _log_in(client, "staff", STAFF_PASSWORD)["Location"].startswith(VERIFY_URL)
    assert client.post(VERIFY_URL, {"token": totp_code(device)}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert AccessEvent.objects.filter(actor=user, action=AccessEvent.Action.LOGGED_IN).exists()
