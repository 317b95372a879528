"""A reply's summary is emailed to the signers who asked for news only when staff choose.

It went out the moment a reply was saved, with no chance to read it again. The replies
recorded before were told then: they keep that moment.
"""

from django.db import migrations, models
from django.db.models import F


def replies_told_at_recording(apps, schema_editor):
    DeliveryReply = apps.get_model("deliveries", "DeliveryReply")
    DeliveryReply.objects.filter(kind="reply").update(signers_told_at=F("recorded_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('deliveries', '0011_petition_managers_record_replies'),
    ]

    operations = [
        migrations.AddField(
            model_name='deliveryreply',
            name='signers_told_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='signers told'),
        ),
        migrations.AlterField(
            model_name='deliveryreply',
            name='summary',
            field=models.TextField(blank=True, help_text="What the target said, in a few sentences: shown on the petition's page, and in the email to the signers who asked for news once you tell them.", verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='deliveryreply',
            name='summary_en',
            field=models.TextField(blank=True, help_text="What the target said, in a few sentences: shown on the petition's page, and in the email to the signers who asked for news once you tell them.", null=True, verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='deliveryreply',
            name='summary_fr',
            field=models.TextField(blank=True, help_text="What the target said, in a few sentences: shown on the petition's page, and in the email to the signers who asked for news once you tell them.", null=True, verbose_name='summary'),
        ),
        migrations.AlterField(
            model_name='deliveryreply',
            name='summary_ug',
            field=models.TextField(blank=True, help_text="What the target said, in a few sentences: shown on the petition's page, and in the email to the signers who asked for news once you tell them.", null=True, verbose_name='summary'),
        ),
        migrations.RunPython(replies_told_at_recording, migrations.RunPython.noop),
    ]
