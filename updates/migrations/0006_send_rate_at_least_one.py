"""Refuse a sending rate of zero emails a minute, which the sender read as one."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0005_recipient_retry_until"),
    ]

    operations = [
        migrations.AlterField(
            model_name="supporterupdate",
            name="send_rate_per_minute",
            field=models.PositiveIntegerField(
                default=600,
                help_text="How fast the update goes out; stay under what the email service allows.",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="emails per minute",
            ),
        ),
    ]
