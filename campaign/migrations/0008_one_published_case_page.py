"""One published case page per campaign: the one `/` shows.

`/` showed the first published case page (by position, then by creation); any other published
case page was left at its own address, looking like the home page. Those become drafts, so that
the constraint can hold: staff find them in the admin and may put one in place of the home
page. What `/` shows does not change.
"""

from django.db import migrations, models


def extra_case_pages_unpublish(apps, schema_editor):
    Page = apps.get_model("campaign", "Page")
    shown_at_root = {}
    for page in Page.objects.filter(kind="case", status="published").order_by("position", "pk"):
        if page.campaign_id in shown_at_root:
            Page.objects.filter(pk=page.pk).update(status="draft")
        else:
            shown_at_root[page.campaign_id] = page.pk


class Migration(migrations.Migration):

    dependencies = [
        ('campaign', '0007_public_images_redrawn'),
    ]

    operations = [
        migrations.RunPython(extra_case_pages_unpublish, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='page',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'case'), ('status', 'published')), fields=('campaign',), name='page_one_published_case_page', violation_error_message="Only one case page is published at a time: it is the one shown at the site's address (/)."),
        ),
    ]
