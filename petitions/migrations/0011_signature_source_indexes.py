"""Indexes for finding a petition's signatures by email domain or IP fingerprint.

Invalidation by criteria and the trending sources read them. Built without blocking signing on
PostgreSQL (the migration is therefore not atomic), as in 0003.
"""

from django.db import migrations, models

from core.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0010_invalidations_and_email_domains"),
    ]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="signature",
            index=models.Index(fields=["petition", "email_domain"], name="signature_petition_domain"),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="signature",
            index=models.Index(fields=["petition", "ip_hash"], name="signature_petition_ip"),
        ),
    ]
