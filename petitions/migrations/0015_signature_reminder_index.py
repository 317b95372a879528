"""An index of the reminders waiting: the few rows that hold a reminder's address.

Partial, so it stays small at a million signatures; built without blocking signing on
PostgreSQL (the migration is therefore not atomic), as in 0003.
"""

from django.db import migrations, models
from django.db.models import Q

from core.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0014_signature_reminders"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="signature",
            index=models.Index(
                fields=["reminder_due_at"],
                condition=Q(reminder_address__isnull=False),
                name="signature_reminder_due",
            ),
        ),
    ]
