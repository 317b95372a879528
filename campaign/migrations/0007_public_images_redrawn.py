"""Every public image drawn again from its pixels alone (core/public_images.py).

Images uploaded before kept their EXIF (a phone's GPS position, its serial number, the
photographer's name) and their upload's file name, at a public address. Each is redrawn under
a new name and its old file deleted. The case page's image keeps its size in two columns, so
that drawing a page never opens the file.
"""

import core.public_images
from django.db import migrations, models


def images_redraw(apps, schema_editor):
    for model_name, field_names in (("Campaign", ["share_image"]), ("Page", ["image", "share_image"])):
        for instance in apps.get_model("campaign", model_name).objects.all():
            for field_name in field_names:
                core.public_images.stored_image_redraw(instance=instance, field_name=field_name)


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0006_contact_help_texts'),
    ]

    operations = [
        migrations.AddField(
            model_name='page',
            name='image_height',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='page',
            name='image_width',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='share_image',
            field=core.public_images.PublicImageField(blank=True, help_text='Shown when a link is shared (1200 × 630 pixels is best).', upload_to='campaign/share/', verbose_name='share image'),
        ),
        migrations.AlterField(
            model_name='page',
            name='image',
            field=core.public_images.PublicImageField(blank=True, height_field='image_height', help_text="On the case page, Mamat's portrait: shown on the first screen beside the title (a drawn silhouette until one is uploaded). Portrait format, 4 × 5, is best.", upload_to='campaign/pages/', verbose_name='image', width_field='image_width'),
        ),
        migrations.AlterField(
            model_name='page',
            name='share_image',
            field=core.public_images.PublicImageField(blank=True, help_text="Image for link previews; the campaign's share image when empty.", upload_to='campaign/share/', verbose_name='share image'),
        ),
        migrations.RunPython(images_redraw, migrations.RunPython.noop),
    ]
