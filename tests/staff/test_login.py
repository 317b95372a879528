import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.models import AccessEvent
from staff.services import backup_codes_renew
from staff.views import SECOND_FACTOR_WINDOW_OPENED_AT
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
ENROL_URL = reverse("admin:staff_two_factor_enrol")


def _password_step(client, username="staff", password=STAFF_PASSWORD, next_url="/admin/"):
    return client.post(LOGIN_URL, {"username": username, "password": password, "next": next_url})


def _enrol(client, user):
    """Open the enrolment page, then confirm the app with the code it would show."""
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(ENROL_URL, {"token": totp_code(device), "next": "/admin/"})


def test_password_alone_leads_to_the_second_factor_not_the_admin(client):
    staff_user_create()

    response = _password_step(client)

    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)


def test_new_staff_member_must_enrol_an_app_before_any_admin_page(client):
    user = staff_user_create()
    _password_step(client)

    response = client.get(VERIFY_URL, follow=True)

    assert response.redirect_chain[-1][0].startswith(ENROL_URL)
    page = response.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert re.sub(r"\s", "", response.context["secret"]) in device.config_url
    assert client.get("/admin/campaign/page/")["Location"].startswith(VERIFY_URL)


def test_enrolment_shows_ten_backup_codes_once_and_opens_the_admin(client):
    user = staff_user_create()
    _password_step(client)

    response = _enrol(client, user)

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/admin/").status_code == 200
    assert AccessEvent.objects.filter(
        actor=user, action=AccessEvent.Action.TWO_FACTOR_ENROLLED
    ).exists()
    assert AccessEvent.objects.filter(actor=user, action=AccessEvent.Action.LOGGED_IN).exists()


def test_wrong_code_at_enrolment_confirms_nothing(client):
    user = staff_user_create()
    _password_step(client)
    client.get(ENROL_URL)

    response = client.post(ENROL_URL, {"token": "000000"})

    assert "token" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_enrolled_staff_member_logs_in_with_the_app_code(client):
    user = staff_user_create()
    device = totp_device_for(user)
    _password_step(client, next_url="/admin/campaign/")

    response = client.post(VERIFY_URL, {"token": totp_code(device), "next": "/admin/campaign/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/campaign/"
    assert client.get("/admin/").status_code == 200


def test_second_login_without_the_code_is_refused(client):
    user = staff_user_create()
    totp_device_for(user)
    _password_step(client)

    without_code = client.post(VERIFY_URL, {"token": ""})
    wrong_code = client.post(VERIFY_URL, {"token": "123456"})

    assert without_code.status_code == wrong_code.status_code == 200
    assert "token" in wrong_code.context["form"].errors
    assert client.get("/admin/")["Location"].startswith(VERIFY_URL)
    # The error summary opens focused and leads to the code field (templates/includes/).
    summary = re.search(r'<div class="error-summary"[^>]*>', wrong_code.content.decode())
    assert summary and "autofocus" in summary.group(0)
    assert 'href="#id_token"' in wrong_code.content.decode()


def test_a_backup_code_works_once(client):
    user = staff_user_create()
    totp_device_for(user)
    _password_step(client)
    # A wrong app code makes the app's device wait; the backup codes are a device of their own.
    client.post(VERIFY_URL, {"token": "000000"})
    code = backup_codes_renew(user=user)[0]

    response = client.post(VERIFY_URL, {"token": code.upper()})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticDevice.objects.get(user=user).token_set.count() == 9
    client.logout()
    _password_step(client)
    assert "token" in client.post(VERIFY_URL, {"token": code}).context["form"].errors


def test_password_alone_cannot_replace_an_enrolled_app(client):
    user = staff_user_create()
    totp_device_for(user)
    _password_step(client)

    response = client.get(ENROL_URL)

    assert response["Location"].startswith(VERIFY_URL)
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_second_factor_must_follow_the_password_within_the_window(client, settings):
    user = staff_user_create()
    totp_device_for(user)
    _password_step(client)
    session = client.session
    session[SECOND_FACTOR_WINDOW_OPENED_AT] = time.time() - 3600
    session.save()

    response = client.get(VERIFY_URL)

    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session


def test_a_session_without_the_password_step_never_chooses_a_new_app(client):
    # A staff session whose app was reset under it must show the password again.
    user = staff_user_create()
    client.force_login(user)

    response = client.get(ENROL_URL)

    assert response["Location"] == LOGIN_URL
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_cancel_logs_out_half_logged_in_staff(client):
    staff_user_create()
    _password_step(client)

    client.post(reverse("admin:staff_two_factor_sign_out"))

    assert "_auth_user_id" not in client.session


def test_verified_staff_member_renews_backup_codes(client):
    user = staff_user_create()
    login_verified(client, user)

    response = client.post(reverse("admin:staff_backup_codes_renew"))

    assert len(response.context["codes"]) == 10
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
