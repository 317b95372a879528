"""Retry an update's "try later" until a time set at its first attempt, not a count of them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("updates", "0004_supporterupdate_updated_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="updaterecipient",
            name="retry_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
