"""Petition managers record what a target answered to a delivery (petitions 0004's roles).

They follow the petition and already write the updates its signers receive; a reply they
record is shown on the petition's page and announced to the signers who asked for news.
Deleting one stays with superusers: the signers may have been told of it already.

Idempotent, like the roles migration it extends: it adds what is missing, removes nothing.
"""

import importlib

from django.db import migrations


def replies_permissions_grant(apps, schema_editor=None):
    roles = importlib.import_module("petitions.migrations.0004_staff_roles")
    Group = apps.get_model("auth", "Group")
    model = ("deliveries", "deliveryreply", "reply")
    granted = [roles._permission(apps, *model, action) for action in ("add", "change", "view")]
    managers, _ = Group.objects.get_or_create(name=roles.PETITION_MANAGERS)
    managers.permissions.add(*granted)


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0010_schedule_help_text_for_staff"),
        ("petitions", "0004_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(replies_permissions_grant, migrations.RunPython.noop)]
