"""The three staff roles, as groups: give someone a role by adding them to its group.

- Campaign editors: the campaign's pages and calls to action; no petition or signature data.
- Petition managers: petitions, targets and signature review; deliveries read-only; no export,
  no erasure, no access trail.
- Data officers (made by staff 0002 with the access trail): read signatures, export them and
  erase a signer.

Idempotent: run again, it adds what is missing and removes nothing staff added by hand.
Permissions are otherwise created after all migrations, so those needed here are made here,
named as Django names them.
"""

from django.db import migrations

CAMPAIGN_EDITORS = "Campaign editors"
PETITION_MANAGERS = "Petition managers"
DATA_OFFICERS = "Data officers"
ALL = ("add", "change", "view", "delete")
# (app label, model, its verbose name) -> the actions (or custom codenames) the role gets.
ROLES = {
    CAMPAIGN_EDITORS: {
        ("campaign", "campaign", "campaign"): ALL,
        ("campaign", "page", "page"): ALL,
        ("campaign", "calltoaction", "call to action"): ALL,
        ("campaign", "pagecalltoaction", "call to action on a page"): ALL,
    },
    PETITION_MANAGERS: {
        ("petitions", "petition", "petition"): ALL,
        ("petitions", "target", "target"): ALL,
        ("petitions", "signature", "signature"): ("view", "change"),
        ("deliveries", "delivery", "delivery"): ("view",),
        ("deliveries", "deliveryschedule", "delivery schedule"): ("view",),
    },
    DATA_OFFICERS: {
        ("petitions", "petition", "petition"): ("view",),
        ("petitions", "signature", "signature"): ("view", "export_signatures", "erase_signer"),
        ("petitions", "signatureexport", "signature export"): ("view",),
        ("staff", "accessevent", "access trail entry"): ("view",),
    },
}
CUSTOM_PERMISSION_NAMES = {
    "export_signatures": "Can export signatures",
    "erase_signer": "Can erase a signer's data",
}


def _permission(apps, app_label: str, model: str, verbose_name: str, action: str):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    if action in CUSTOM_PERMISSION_NAMES:
        codename, name = action, CUSTOM_PERMISSION_NAMES[action]
    else:
        codename, name = f"{action}_{model}", f"Can {action} {verbose_name}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def roles_grant(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    for role, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *(
                _permission(apps, app_label, model, verbose_name, action)
                for (app_label, model, verbose_name), actions in grants.items()
                for action in actions
            )
        )


def roles_revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[CAMPAIGN_EDITORS, PETITION_MANAGERS]).delete()
    officers = Group.objects.filter(name=DATA_OFFICERS).first()
    if officers is not None:
        officers.permissions.remove(
            *officers.permissions.exclude(codename="view_accessevent")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0003_signature_admin_indexes"),
        ("staff", "0002_data_officers_and_append_only_trail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(roles_grant, roles_revoke),
    ]
