"""Remember when each confirmation email became owed, for how long its retries go on.

Emails still owed are given what the rule before this one counted from (the reminder's time,
or signing), or their due time when no attempt has moved it yet (a flagged signer waiting out
the petition's delay): none is given up sooner than it would have been.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import Case, F, When
from django.db.models.functions import Coalesce


def owed_emails_date(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    Signature.objects.filter(
        status__in=["pending", "flagged"],
        confirmed_at__isnull=True,
        confirmation_sent_at__isnull=True,
    ).update(
        confirmation_owed_at=Case(
            When(confirmation_attempts=0, then=F("confirmation_due_at")),
            default=Coalesce(F("reminded_at"), F("created_at")),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0023_signature_export_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="confirmation_owed_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="confirmation owed since",
            ),
        ),
        migrations.RunPython(owed_emails_date, migrations.RunPython.noop, elidable=True),
    ]
