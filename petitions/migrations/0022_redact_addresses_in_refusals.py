"""Take the signers' addresses out of the refusals of confirmation emails already stored."""

from django.db import migrations

from core.migration_operations import email_refusals_redacted


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0021_paper_sheet_fingerprint"),
    ]

    operations = [email_refusals_redacted("petitions", "Signature", field="email_error")]
