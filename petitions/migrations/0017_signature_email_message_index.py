"""An index of the emails' ids, for the ESP's webhooks: each event names one email.

Without it, every "delivered" or "bounced" event read the whole table. Partial: a signature
whose email has not gone yet has no id. Built without blocking signing on PostgreSQL (the
migration is therefore not atomic).
"""

from django.db import migrations, models
from django.db.models import Q

from core.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0016_merge_fraud_tools"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="signature",
            index=models.Index(
                fields=["email_message_id"],
                condition=~Q(email_message_id=""),
                name="signature_email_message",
            ),
        ),
    ]
