"""Joins the target's translated names (0009, made beside it) to the rest of the history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0009_target_translations"),
        ("petitions", "0011_merge_news_paper_and_launch"),
    ]

    operations = []
