"""Staff in each of the three roles, logged in past the second factor, for staff-tool tests."""

import csv
import importlib
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from tests.staff_fixtures import login_verified, staff_user_create

# The roles are made by a migration; tests that flush the database (browser tests) lose
# them, so each test grants them again through the migration's own, idempotent function.
ROLES_MIGRATION = importlib.import_module("petitions.migrations.0004_staff_roles")
CAMPAIGN_EDITORS = ROLES_MIGRATION.CAMPAIGN_EDITORS
PETITION_MANAGERS = ROLES_MIGRATION.PETITION_MANAGERS
DATA_OFFICERS = ROLES_MIGRATION.DATA_OFFICERS


CONTACT_MIGRATION = importlib.import_module("petitions.migrations.0007_sealed_signer_data")
UPDATES_MIGRATION = importlib.import_module("updates.migrations.0002_update_roles")
FRAUD_MIGRATION = importlib.import_module("petitions.migrations.0012_petition_managers_fight_fraud")
REPLIES_MIGRATION = importlib.import_module(
    "deliveries.migrations.0011_petition_managers_record_replies"
)


def roles_ensure() -> None:
    ROLES_MIGRATION.roles_grant(apps)
    CONTACT_MIGRATION.contact_permission_grant(apps, None)
    UPDATES_MIGRATION.updates_permissions_grant(apps, None)
    FRAUD_MIGRATION.grant(apps, None)
    REPLIES_MIGRATION.replies_permissions_grant(apps, None)


def staff_with_role(role: str, username: str | None = None):
    roles_ensure()
    user = staff_user_create(username or role.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=role))
    return user


def logged_in_as(client, role: str, username: str | None = None):
    """Log a member of `role` in on `client` (password and second factor); return them."""
    user = staff_with_role(role, username)
    login_verified(client, user)
    return user


def csv_rows(content: bytes | str) -> list[list[str]]:
    """Read an export: drop the byte order mark, return the header and rows."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture(name="export_storage")
def export_storage_fixture(settings, tmp_path):
    """Write export files under a temporary directory, never the repository's private/."""
    settings.EXPORT_FILES_ROOT = tmp_path / "exports"
    return tmp_path / "exports"
