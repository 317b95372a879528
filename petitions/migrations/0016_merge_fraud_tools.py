"""Joins the fraud tools and the ledger (0009 to 0015, made beside them) to the rest."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0012_merge_target_translations"),
        ("petitions", "0015_signature_reminder_index"),
    ]

    operations = []
