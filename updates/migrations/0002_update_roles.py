"""Petition managers write, approve and send updates to signers (petitions 0004's roles).

Idempotent, like the roles migration it extends: it adds what is missing, removes nothing.
"""

import importlib

from django.db import migrations


def updates_permissions_grant(apps, schema_editor=None):
    roles = importlib.import_module("petitions.migrations.0004_staff_roles")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    model = ("updates", "supporterupdate", "update to signers")
    granted = [roles._permission(apps, *model, action) for action in roles.ALL]
    approve, _ = Permission.objects.get_or_create(
        content_type=granted[0].content_type,
        codename="approve_supporterupdate",
        defaults={"name": "Can approve and send an update to signers"},
    )
    managers, _ = Group.objects.get_or_create(name=roles.PETITION_MANAGERS)
    managers.permissions.add(*granted, approve)


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0001_supporter_updates"),
        ("petitions", "0004_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(updates_permissions_grant, migrations.RunPython.noop)]
