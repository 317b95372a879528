"""An index of the reminders waiting: the few rows that hold a reminder's address.

Partial, so it stays small at a million signatures; built with CREATE INDEX CONCURRENTLY on
PostgreSQL (the migration is therefore not atomic), as in 0003.
"""

from django.db import migrations, models
from django.db.models import Q

INDEX = models.Index(
    fields=["reminder_due_at"],
    condition=Q(reminder_address__isnull=False),
    name="signature_reminder_due",
)


def index_create(apps, schema_editor):
    model = apps.get_model("petitions", "Signature")
    concurrently = schema_editor.connection.vendor == "postgresql"
    schema_editor.add_index(model, INDEX, **({"concurrently": True} if concurrently else {}))


def index_drop(apps, schema_editor):
    schema_editor.remove_index(apps.get_model("petitions", "Signature"), INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0014_signature_reminders"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="signature", index=INDEX)],
            database_operations=[migrations.RunPython(index_create, index_drop, atomic=False)],
        ),
    ]
