"""Signers' personal data sealed to the data officers' key; a keyed mailbox hash replaces the
normalised address.

The hash is computed here with SIGNER_MAILBOX_KEY for every signature. Signatures already on
file are sealed by beat's sweep (petitions.tasks.signatures_seal_due) once this is deployed
with SEALING_PUBLIC_KEY set. Data officers are given the new permission to see addresses and
named lists, and to see deliveries (whose named lists they download); Petition managers keep
seeing deliveries, without those lists.
"""

import hashlib
import hmac
import importlib

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import migrations, models

from petitions.mailboxes import email_normalize


def mailbox_hashes_fill(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    rows = Signature.objects.only("pk", "email").order_by("pk")
    if rows.exists() and not settings.SIGNER_MAILBOX_KEY:
        raise ImproperlyConfigured(
            "Set SIGNER_MAILBOX_KEY before migrating: see docs/operations.md."
        )
    key = settings.SIGNER_MAILBOX_KEY.encode()
    for signature in rows.iterator(chunk_size=2000):
        # petitions.mailboxes.mailbox_hash, as it is on the day of this migration.
        digest = hmac.new(
            key, f"mailbox\n{email_normalize(signature.email)}".encode(), hashlib.sha256
        ).hexdigest()
        Signature.objects.filter(pk=signature.pk).update(mailbox_hash=digest)


def contact_permission_grant(apps, schema_editor):
    """Give Data officers signers' contact, and the deliveries whose named lists they download."""
    roles = importlib.import_module("petitions.migrations.0004_staff_roles")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    contact = roles._permission(apps, "petitions", "signature", "signature", "view")
    contact, _ = Permission.objects.get_or_create(
        content_type=contact.content_type,
        codename="view_signer_contact",
        defaults={"name": "Can see signers' email addresses and named lists"},
    )
    deliveries = roles._permission(apps, "deliveries", "delivery", "delivery", "view")
    officers, _ = Group.objects.get_or_create(name=roles.DATA_OFFICERS)
    officers.permissions.add(contact, deliveries)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_mailbox_daily_sends_and_email_errors")]

    operations = [
        migrations.AddField(
            model_name="signature",
            name="mailbox_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="mailbox fingerprint"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(mailbox_hashes_fill, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="signature", name="signature_unique_email"),
        migrations.RemoveIndex(model_name="signature", name="signature_email"),
        migrations.RemoveField(model_name="signature", name="email_normalized"),
        migrations.AddConstraint(
            model_name="signature",
            constraint=models.UniqueConstraint(
                fields=("petition", "mailbox_hash"), name="signature_unique_mailbox"
            ),
        ),
        migrations.AddIndex(
            model_name="signature",
            index=models.Index(fields=["mailbox_hash"], name="signature_mailbox"),
        ),
        migrations.AddField(
            model_name="signature",
            name="sealed_data",
            field=models.BinaryField(blank=True, null=True, verbose_name="sealed personal data"),
        ),
        migrations.AddField(
            model_name="signature",
            name="sealed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="sealed"
            ),
        ),
        migrations.AlterField(
            model_name="signature",
            name="first_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="first name"),
        ),
        migrations.AlterField(
            model_name="signature",
            name="last_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="last name"),
        ),
        migrations.AlterField(
            model_name="signature",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="email"),
        ),
        migrations.AlterModelOptions(
            name="signature",
            options={
                "ordering": ["-created_at", "pk"],
                "permissions": [
                    ("export_signatures", "Can export signatures"),
                    ("erase_signer", "Can erase a signer's data"),
                    ("view_signer_contact", "Can see signers' email addresses and named lists"),
                ],
                "verbose_name": "signature",
                "verbose_name_plural": "signatures",
            },
        ),
        migrations.RunPython(contact_permission_grant, migrations.RunPython.noop),
    ]
