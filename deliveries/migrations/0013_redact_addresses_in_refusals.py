"""Take the signers' addresses out of the refusals of delivery notices already stored."""

from django.db import migrations

from core.email_sending import email_refusals_redact


def refusals_redact(apps, schema_editor):
    DeliveryNotice = apps.get_model("deliveries", "DeliveryNotice")
    email_refusals_redact(DeliveryNotice.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0012_replies_told_when_staff_choose"),
    ]

    operations = [migrations.RunPython(refusals_redact, migrations.RunPython.noop)]
