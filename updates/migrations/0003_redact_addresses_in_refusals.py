"""Take the signers' addresses out of the refusals of updates to signers already stored."""

from django.db import migrations

from core.migration_operations import email_refusals_redacted


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0002_update_roles"),
    ]

    operations = [email_refusals_redacted("updates", "UpdateRecipient")]
