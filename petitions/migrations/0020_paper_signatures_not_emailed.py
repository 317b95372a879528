"""Paper signatures say "none: signed on paper" as their email status, not "not sent yet".

They never get an email; listed as waiting for one, they made the outbox look stuck.
"""

from django.db import migrations, models


def paper_signatures_mark(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    Signature.objects.filter(source="paper", email_status="").update(email_status="not_emailed")


def paper_signatures_unmark(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    Signature.objects.filter(email_status="not_emailed").update(email_status="")


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0019_petition_slug_help_text'),
    ]

    operations = [
        migrations.AlterField(
            model_name='signature',
            name='email_status',
            field=models.CharField(blank=True, choices=[('', 'Not sent yet'), ('sent', 'Sent'), ('delivered', 'Delivered'), ('deferred', 'Deferred'), ('bounced', 'Bounced'), ('rejected', 'Rejected'), ('failed', 'Failed'), ('complained', 'Marked as spam'), ('capped', 'Not sent: this mailbox had its emails for the day'), ('not_emailed', 'None: signed on paper')], default='', max_length=20, verbose_name='email status'),
        ),
        migrations.RunPython(paper_signatures_mark, paper_signatures_unmark),
    ]
