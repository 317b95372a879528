"""Each paper import keeps a keyed hash of its file, so that the same sheet is not counted twice."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0020_paper_signatures_not_emailed'),
    ]

    operations = [
        migrations.AddField(
            model_name='paperimport',
            name='sheet_fingerprint',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
