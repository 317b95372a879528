"""Take the signers' addresses out of the refusals of delivery notices already stored."""

from django.db import migrations

from core.migration_operations import email_refusals_redacted


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0012_replies_told_when_staff_choose"),
    ]

    operations = [email_refusals_redacted("deliveries", "DeliveryNotice")]
