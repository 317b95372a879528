"""The signature row becomes the confirmation email's outbox.

The claim's end (confirmation_claimed_until) becomes the time the email is due
(confirmation_due_at): owed emails are due from when they were signed, or from the end of a
claim still running.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def due_times_fill(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    Signature.objects.filter(confirmation_due_at__isnull=True).update(
        confirmation_due_at=Coalesce("confirmation_due_at", "created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0004_staff_roles")]

    operations = [
        migrations.RenameField(
            model_name="signature",
            old_name="confirmation_claimed_until",
            new_name="confirmation_due_at",
        ),
        migrations.RunPython(due_times_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="signature",
            name="confirmation_due_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="confirmation due"
            ),
        ),
    ]
