"""Petition managers keep the lists of email domains and read the invalidations by criteria.

Idempotent like 0004: it adds what is missing and removes nothing staff added by hand.
"""

from django.db import migrations

PETITION_MANAGERS = "Petition managers"
GRANTS = {
    ("petitions", "emaildomainrule", "email domain rule"): ("add", "change", "view", "delete"),
    ("petitions", "invalidation", "invalidation by criteria"): ("view",),
}


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=PETITION_MANAGERS)
    for (app_label, model, verbose_name), actions in GRANTS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {verbose_name}"},
            )
            group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0011_signature_source_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
