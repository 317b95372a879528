"""Every page of the admin, for every registered model, asks for the second factor first."""

import importlib
import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, reverse
from django_otp.plugins.otp_static.models import StaticDevice

from staff.access_trail import access_event_record
from staff.models import AccessEvent
from tests.staff_fixtures import staff_user_create, totp_device_for

pytestmark = pytest.mark.django_db

VERIFY_URL = reverse("admin:staff_two_factor_verify")
# The views a user reaches before the second factor, by design.
BEFORE_SECOND_FACTOR = {
    "login",
    "staff_two_factor_verify",
    "staff_two_factor_enrol",
    "staff_two_factor_sign_out",
}
PAGES_OF_AN_OBJECT = {"change", "history", "delete"}


def _model_admin_urls():
    """Yield (url_name, url) for each page of each model admin, with an object where one exists."""
    for model, model_admin in admin.site._registry.items():
        instance = model._default_manager.order_by("pk").first()
        prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or pattern.name is None:
                continue  # the old-style redirect for a bare object id
            route = str(pattern.pattern)
            if "<" in route:
                if instance is None:
                    continue
                route = re.sub(r"<(?:\w+:)?\w+>", str(instance.pk), route)
            yield pattern.name, prefix + route


@pytest.fixture
def admin_user_with_app(db):
    user = staff_user_create("superuser", is_superuser=True)
    totp_device_for(user)
    return user


def _factory_for(model):
    """Find `<Model>Factory` in tests/factories.py or in the app's own tests/<app>/factories.py."""
    for module_name in ("tests.factories", f"tests.{model._meta.app_label}.factories"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        factory = getattr(module, f"{model.__name__}Factory", None)
        if factory is not None:
            return factory
    return None


@pytest.fixture
def every_kind_of_object(mamat_campaign, admin_user_with_app):
    """An object of each registered model that has a factory, so its object pages are walked."""
    access_event_record(actor=admin_user_with_app, action=AccessEvent.Action.EXPORTED_SIGNATURES)
    StaticDevice.objects.create(user=admin_user_with_app, name="Backup codes")
    for model in admin.site._registry:
        factory = _factory_for(model)
        if factory is not None and not model._default_manager.exists():
            factory()


def test_the_walk_reaches_signatures_and_the_trail(every_kind_of_object):
    names = {name for name, _url in _model_admin_urls()}

    assert {
        "petitions_signature_changelist",
        "petitions_signature_change",
        "petitions_signature_history",
        "staff_accessevent_changelist",
        "staff_accessevent_change",
    } <= names


def test_unverified_staff_are_sent_to_the_second_factor_from_every_admin_page(
    client, admin_user_with_app, every_kind_of_object
):
    client.force_login(admin_user_with_app)
    site_urls = [
        (pattern.name, reverse(f"admin:{pattern.name}"))
        for pattern in admin.site.get_urls()
        if isinstance(pattern, URLPattern)
        and pattern.name
        and pattern.name not in BEFORE_SECOND_FACTOR
        and "<" not in str(pattern.pattern)
    ]
    site_urls += [
        ("app_list", reverse("admin:app_list", kwargs={"app_label": model._meta.app_label}))
        for model in admin.site._registry
    ]
    walked = [*site_urls, *_model_admin_urls()]
    assert len(walked) > 50

    for name, url in walked:
        response = client.get(url, {"q": "Mamat"} if name.endswith("changelist") else {})
        assert response.status_code == 302, (name, url, response.status_code)
        assert response["Location"].startswith(VERIFY_URL), (name, url)

    assert not AccessEvent.objects.filter(
        action__in=[AccessEvent.Action.VIEWED_SIGNATURE, AccessEvent.Action.SEARCHED_SIGNATURES]
    ).exists()


def test_verified_staff_open_every_page_that_shows_data(
    verified_staff_client, every_kind_of_object
):
    for name, url in _model_admin_urls():
        if name.rsplit("_", 1)[-1] not in {"changelist", *PAGES_OF_AN_OBJECT}:
            continue
        response = verified_staff_client.get(url)
        assert response.status_code in {200, 403}, (name, url, response.status_code)
        if response.status_code == 403:
            # Only what must not go refuses deletion to a superuser: the read-only trail, the
            # page `/` shows, a signature (erased instead) and a petition that has signatures.
            assert name in {
                "staff_accessevent_delete",
                "campaign_page_delete",
                "petitions_signature_delete",
                "petitions_petition_delete",
            }, name
