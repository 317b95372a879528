"""Give each update the time it was last saved, so that a stale change form is refused."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0003_redact_addresses_in_refusals"),
    ]

    operations = [
        migrations.AddField(
            model_name="supporterupdate",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated"
            ),
            preserve_default=False,
        ),
    ]
