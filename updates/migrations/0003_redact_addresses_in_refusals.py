"""Take the signers' addresses out of the refusals of updates to signers already stored."""

from django.db import migrations

from core.email_sending import email_refusals_redact


def refusals_redact(apps, schema_editor):
    UpdateRecipient = apps.get_model("updates", "UpdateRecipient")
    email_refusals_redact(UpdateRecipient.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0002_update_roles"),
    ]

    operations = [migrations.RunPython(refusals_redact, migrations.RunPython.noop)]
