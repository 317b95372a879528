"""Log staff in the way the admin demands: a password and a verified second factor.

Register with `pytest_plugins = ["tests.staff_fixtures"]`. In a test, either use the
`verified_staff_client` fixture (a superuser) or call `login_verified(client, user)`:
`client.force_login(user)` alone leaves a staff session that the site sends to the
second-factor step.
"""

import pytest
from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

STAFF_PASSWORD = "correct horse battery staple"


def staff_user_create(username: str = "staff", **fields):
    """Create a staff member whose password is STAFF_PASSWORD."""
    return get_user_model().objects.create_user(
        username, password=STAFF_PASSWORD, is_staff=True, **fields
    )


def totp_device_for(user) -> TOTPDevice:
    """Return the user's confirmed authenticator app, enrolling one if they have none."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """Return the code the user's app shows now (or that many 30-second steps later).

    A device accepts each time step once; ask for steps_ahead=1 to log in twice in a row.
    """
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{code:0{device.digits}d}"


def login_verified(client, user) -> TOTPDevice:
    """Log `user` in on the test client as if they had given their password and app code."""
    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture
def verified_staff_user(db):
    return staff_user_create("verified-admin", is_superuser=True)


@pytest.fixture
def verified_staff_client(client, verified_staff_user):
    """A test client logged in as a superuser who passed the second factor."""
    login_verified(client, verified_staff_user)
    return client
