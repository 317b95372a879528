"""Indexes that keep the signature admin fast at a million rows.

Built with CREATE INDEX CONCURRENTLY on PostgreSQL, so that signing goes on while they are
made on a full table (the migration is therefore not atomic). The prefix search on names
needs pattern-ops expression indexes that only PostgreSQL has: they are made here outside the
model state, and SQLite (`make run`) does without them.
"""

from django.db import migrations, models

from core.migration_operations import AddIndexConcurrentlyWherePossible

INDEXES = [
    models.Index(fields=["-created_at", "id"], name="signature_latest"),
    models.Index(fields=["petition", "-created_at", "id"], name="signature_petition_latest"),
    models.Index(fields=["email_normalized"], name="signature_email"),
]
# `last_name__istartswith` is UPPER("last_name"::text) LIKE UPPER('dup%'): text_pattern_ops
# lets a B-tree serve that prefix whatever the database's collation.
NAME_PREFIX_INDEXES = {
    "signature_last_name_prefix": "last_name",
    "signature_first_name_prefix": "first_name",
}


def name_prefix_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in NAME_PREFIX_INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" '
                f'ON "petitions_signature" ((UPPER("{column}"::text)) text_pattern_ops)'
            )


def name_prefix_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NAME_PREFIX_INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0002_staff_tools"),
    ]

    operations = [
        *(
            AddIndexConcurrentlyWherePossible(model_name="signature", index=index)
            for index in INDEXES
        ),
        migrations.RunPython(name_prefix_indexes_create, name_prefix_indexes_drop, atomic=False),
    ]
