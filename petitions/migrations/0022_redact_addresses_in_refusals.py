"""Take the signers' addresses out of the refusals of confirmation emails already stored."""

from django.db import migrations

from core.email_sending import email_refusals_redact


def refusals_redact(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    email_refusals_redact(Signature.objects.all(), field="email_error")


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0021_paper_sheet_fingerprint"),
    ]

    operations = [migrations.RunPython(refusals_redact, migrations.RunPython.noop)]
