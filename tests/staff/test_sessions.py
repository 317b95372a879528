import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AccessEvent
from tests.staff_fixtures import STAFF_PASSWORD, login_verified, staff_user_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
VERIFY_URL = reverse("admin:staff_two_factor_verify")


def test_staff_sessions_end_after_a_short_idle_time(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 900
    login_verified(client, staff_user_create())

    response = client.get("/admin/")

    assert client.session.get_expiry_age() == 900
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 900


def test_every_staff_page_carries_the_idle_warning_with_the_session_s_length(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 900
    login_verified(client, staff_user_create())

    html = client.get("/admin/").content.decode()

    assert 'id="session-timeout"' in html and 'data-idle-seconds="900"' in html
    assert "staff/session_timeout.js" in html


def test_staying_signed_in_answers_only_staff_past_the_second_factor(client):
    keep_url = reverse("admin:staff_session_keep")
    assert client.get(keep_url)["Location"].startswith(reverse("admin:login"))

    client.force_login(staff_user_create())  # the password step only
    assert client.get(keep_url).status_code == 302

    login_verified(client, staff_user_create("verified"))
    assert client.get(keep_url).status_code == 204


def test_the_session_cookie_is_out_of_reach_of_scripts(client):
    staff_user_create()

    response = client.post(
        reverse("admin:login"), {"username": "staff", "password": STAFF_PASSWORD}
    )

    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


def test_production_cookies_are_secure_and_http_only():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DEBUG="false", SECRET_KEY="x" * 50)
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE)"
    )

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.stdout.split() == ["True", "True", "True"], result.stderr


def test_changing_the_password_logs_out_every_other_session(client):
    user = staff_user_create()
    login_verified(client, user)
    other_device = Client()
    login_verified(other_device, user)
    assert other_device.get("/admin/").status_code == 200

    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert other_device.get("/admin/")["Location"].startswith(reverse("admin:login"))


def test_short_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Mamat2024!")


def test_half_logged_in_staff_are_kept_off_staff_pages_outside_the_admin(client, mamat_campaign):
    from campaign.models import Page

    client.force_login(staff_user_create(is_superuser=True))
    page = Page.objects.first()

    response = client.get(reverse("campaign:page_preview", kwargs={"pk": page.pk}))

    assert response["Location"].startswith(VERIFY_URL)


def test_administrator_reads_in_french_what_resetting_a_lost_phone_deleted(db):
    from io import StringIO

    from django.utils import translation

    from tests.staff_fixtures import totp_device_for

    totp_device_for(staff_user_create())
    printed = StringIO()

    with translation.override("fr"):
        call_command("staff_reset_two_factor", "staff", stdout=printed)

    assert printed.getvalue().startswith(
        "1 appareil de staff supprimé\N{NO-BREAK SPACE}: il ou elle configurera"
    )


def test_resetting_the_phone_of_no_such_account_is_refused_in_french(db):
    from django.core.management import CommandError
    from django.utils import translation

    with translation.override("fr"), pytest.raises(CommandError) as refused:
        call_command("staff_reset_two_factor", "nobody")

    assert str(refused.value) == "Aucun utilisateur ne s'appelle nobody."


def test_administrator_resets_a_lost_phone_and_the_next_login_enrols_anew(client):
    user = staff_user_create()
    login_verified(client, user)

    call_command("staff_reset_two_factor", "staff")

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)
    reset = AccessEvent.objects.get(action=AccessEvent.Action.TWO_FACTOR_RESET)
    assert (reset.target, reset.note) == ("staff", AccessEvent.Note.ACCOUNT)
    assert reset.row_count == 1
    client.logout()
    client.post(reverse("admin:login"), {"username": "staff", "password": STAFF_PASSWORD})
    assert client.get(VERIFY_URL)["Location"].startswith(reverse("admin:staff_two_factor_enrol"))
