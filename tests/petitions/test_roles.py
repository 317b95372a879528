"""Three roles, made by a migration: who may edit pages, review signatures, export, erase."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import SignatureFactory
from tests.petitions.factories_staff import (
    CAMPAIGN_EDITORS,
    DATA_OFFICERS,
    PETITION_MANAGERS,
    ROLES_MIGRATION,
    logged_in_as,
    roles_ensure,
)

pytestmark = pytest.mark.django_db
SIGNATURES_URL = reverse("admin:petitions_signature_changelist")


def _codenames(role: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=role).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_migration_made_the_three_roles():
    # Not roles_ensure(): these are the groups `migrate` left in the test database.
    assert set(Group.objects.values_list("name", flat=True)) >= {
        CAMPAIGN_EDITORS,
        PETITION_MANAGERS,
        DATA_OFFICERS,
    }


def test_campaign_editors_edit_pages_and_see_no_signature_data():
    roles_ensure()
    granted = _codenames(CAMPAIGN_EDITORS)

    assert {
        "campaign.change_page",
        "campaign.add_calltoaction",
        "campaign.view_campaign",
    } <= granted
    assert not {name for name in granted if not name.startswith("campaign.")}


def test_petition_managers_run_petitions_and_review_signatures_without_export_or_erasure():
    roles_ensure()
    granted = _codenames(PETITION_MANAGERS)

    assert {
        "petitions.change_petition",
        "petitions.change_target",
        "petitions.view_signature",
        "petitions.change_signature",
        "deliveries.view_delivery",
    } <= granted
    assert not granted & {
        "petitions.export_signatures",
        "petitions.erase_signer",
        "petitions.delete_signature",
        "petitions.view_signer_contact",
        "staff.view_accessevent",
    }


def test_data_officers_export_erase_and_read_the_trail():
    roles_ensure()
    granted = _codenames(DATA_OFFICERS)

    assert {
        "petitions.view_signature",
        "petitions.export_signatures",
        "petitions.erase_signer",
        "petitions.view_signer_contact",
        "staff.view_accessevent",
    } <= granted
    assert "petitions.change_signature" not in granted


def test_granting_the_roles_again_changes_nothing():
    roles_ensure()
    before = {role: _codenames(role) for role in ROLES_MIGRATION.ROLES}

    ROLES_MIGRATION.roles_grant(apps)

    assert {role: _codenames(role) for role in ROLES_MIGRATION.ROLES} == before
    assert Group.objects.filter(name=DATA_OFFICERS).count() == 1


def test_a_campaign_editor_meets_no_signature_anywhere_in_the_admin(client):
    signature = SignatureFactory()
    logged_in_as(client, CAMPAIGN_EDITORS)

    index = client.get(reverse("admin:index")).content.decode()

    assert SIGNATURES_URL not in index
    assert reverse("admin:campaign_page_changelist") in index
    for url in (
        SIGNATURES_URL,
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        reverse("admin:petitions_signature_export"),
        reverse("admin:petitions_signature_erase"),
    ):
        assert client.get(url).status_code == 403, url


def test_a_data_officer_can_read_signatures_but_not_edit_petitions(client):
    logged_in_as(client, DATA_OFFICERS)

    assert client.get(SIGNATURES_URL).status_code == 200
    assert client.get(reverse("admin:petitions_petition_add")).status_code == 403
