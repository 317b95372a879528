"""Joins a published page's working copy (0003) and the contact page (0003, 0004), made side
by side."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("campaign", "0003_page_working_copy"),
        ("campaign", "0004_contact_page"),
    ]

    operations = []
