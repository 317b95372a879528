"""Indexes for finding a petition's signatures by email domain or IP fingerprint.

Invalidation by criteria and the trending sources read them. Built with CREATE INDEX
CONCURRENTLY on PostgreSQL, so that signing goes on while they are made on a full table (the
migration is therefore not atomic), as in 0003.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["petition", "email_domain"], name="signature_petition_domain"),
    models.Index(fields=["petition", "ip_hash"], name="signature_petition_ip"),
]


def indexes_create(apps, schema_editor):
    model = apps.get_model("petitions", "Signature")
    concurrently = schema_editor.connection.vendor == "postgresql"
    for index in INDEXES:
        if concurrently:
            schema_editor.add_index(model, index, concurrently=True)
        else:
            schema_editor.add_index(model, index)


def indexes_drop(apps, schema_editor):
    model = apps.get_model("petitions", "Signature")
    for index in INDEXES:
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0010_invalidations_and_email_domains"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="signature", index=index) for index in INDEXES
            ],
            database_operations=[
                migrations.RunPython(indexes_create, indexes_drop, atomic=False),
            ],
        ),
    ]
