"""Joins two lines of migrations made side by side: news addresses and paper signatures (0008,
0009), and the launch work's name review, goal steps and search descriptions (0008 to 0010)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0009_paper_signatures"),
        ("petitions", "0010_petition_search_description"),
    ]

    operations = []
