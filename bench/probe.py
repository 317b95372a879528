"""The harness's hands inside the site: run by bench/run.py as `python -m bench.probe COMMAND`.

Each command prints one JSON line. It runs with the benchmark's environment and settings, in a
process of its own, so that the driver never imports Django and a measured step (export,
delivery) is alone in its process.
"""

import argparse
import io
import json
import os
import sys
import time

import django

BENCH_EMAIL_DOMAIN = "bench.example.org"
# Deliveries are built, never sent, but only to an address that is not a placeholder.
BENCH_DELIVERY_DOMAIN = "bench.mamat.test"


def _print(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")


def site_describe(_args: argparse.Namespace) -> dict:
    """Say where the measured pages are: the case page, and the open petition's addresses."""
    from django.urls import reverse
    from django.utils import translation

    from campaign.selectors import campaign_current
    from petitions.selectors import petition_open_for_campaign

    petition = petition_open_for_campaign(campaign=campaign_current())
    if petition is None:
        raise RuntimeError("No open petition: load_campaign should have made one.")
    with translation.override("fr"):
        return {
            "petition": {"id": petition.pk, "slug": petition.slug},
            "home_url": reverse("campaign:home"),
            "count_url": reverse("petitions:count", kwargs={"slug": petition.slug}),
            "sign_url": reverse("petitions:sign", kwargs={"slug": petition.slug}),
            "detail_url": reverse("petitions:detail", kwargs={"slug": petition.slug}),
        }


def _bench_signatures(prefix: str) -> list:
    """Return the signatures of a load whose addresses start with `prefix`, each with `.address`.

    A sent confirmation seals its address: it is read back with the run's private key, which
    only this probe holds (BENCH_SEALING_PRIVATE_KEY), as the data officers would.
    """
    from core.sealing import Unsealer, private_key_parse
    from petitions.models import Signature

    unsealer = Unsealer(private_key_parse(os.environ["BENCH_SEALING_PRIVATE_KEY"]))
    found = []
    for signature in Signature.objects.order_by("pk").only(
        "pk", "email", "sealed_data", "confirmation_sent_at"
    ):
        address = signature.email
        if not address and signature.sealed_data is not None:
            address = unsealer.unseal(signature.sealed_data)["email"]
        if address.startswith(f"{prefix}-"):
            signature.address = address
            found.append(signature)
    return found


def signatures_report(args: argparse.Namespace) -> dict:
    """Say which signatures of a run are stored, and how many had their email sent."""
    signatures = _bench_signatures(args.prefix)
    return {
        "stored": [signature.address for signature in signatures],
        "sent": sum(signature.confirmation_sent_at is not None for signature in signatures),
    }


def confirmations_queue(args: argparse.Namespace) -> dict:
    """Owe the given signatures their confirmation email again, all at once, and wake a sender."""
    from django.utils import timezone

    from petitions.confirmation_wake import confirmation_senders_wake
    from petitions.models import Signature

    signatures = _bench_signatures(args.prefix)[: args.limit]
    ids = [signature.pk for signature in signatures]
    emails = [signature.address for signature in signatures]
    # What a signer signing again does: the address back in the clear until the email goes.
    for signature in signatures:
        signature.email = signature.address
    Signature.objects.bulk_update(signatures, ["email"], batch_size=1000)
    started = time.monotonic()
    Signature.objects.filter(pk__in=ids).update(
        confirmation_sent_at=None, confirmation_due_at=timezone.now(), email_status=""
    )
    confirmation_senders_wake()
    return {"queued": len(ids), "emails": emails, "queue_seconds": time.monotonic() - started}


def _bench_target():
    """Return the target of the bench's deliveries, its address approved by two staff members.

    load_campaign's own target waits for staff to enter the real address, and no delivery may
    go to a placeholder: the bench approves an address of its own, as staff would.
    """
    from django.contrib.auth import get_user_model

    from deliveries.addresses import target_address_approve
    from petitions.models import Target

    email = f"embassy@{BENCH_DELIVERY_DOMAIN}"
    target = Target.objects.filter(email=email).first()
    if target is not None:
        return target
    target = Target.objects.create(name="Bench embassy", organisation="Bench", email=email)
    for approver in ("bench-approver-1", "bench-approver-2"):
        actor = get_user_model().objects.create_superuser(
            username=approver, email=f"{approver}@{BENCH_DELIVERY_DOMAIN}", password=None
        )
        target_address_approve(target=target, actor=actor)
    return target


def _petition_for_bench(slug: str):
    """Return a copy of the open petition under `slug`, with a target of its own, made once."""
    from petitions.models import Petition

    existing = Petition.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    model = Petition.objects.open_for_signing().order_by("pk").first()
    model.pk = None
    model.id = None
    model.slug = slug
    model._state.adding = True
    model.save()
    model.targets.set([_bench_target()])
    return model


def signature_rows_insert_sql(*, model, petition_id: int, count: int, prefix: str):
    """Build one INSERT ... SELECT over generate_series that writes `count` confirmed signatures.

    Columns come from the model, so the statement follows the schema: unique columns get a
    value per row, others their default or a plain value of their type.
    """
    from django.db import connection, models

    per_row = {
        "petition": ("%s", [petition_id]),
        "email": ("%s || '-' || i || '@' || %s", [prefix, BENCH_EMAIL_DOMAIN]),
        "mailbox_hash": ("md5(%s || '-' || i)", [prefix]),
        "first_name": ("'Camille' || (i %% 997)", []),
        "last_name": ("'Signataire' || (i %% 1009)", []),
        "country": ("(ARRAY['FR','BE','DE','CA','CH','GB'])[1 + i %% 6]", []),
        "status": ("'confirmed'", []),
        "created_at": ("now() - make_interval(secs => i)", []),
        "confirmed_at": ("now() - make_interval(secs => i) + interval '5 minutes'", []),
        "consented_at": ("now() - make_interval(secs => i)", []),
        "confirmation_sent_at": ("now() - make_interval(secs => i)", []),
        "name_in_delivery": ("(i %% 3 = 0)", []),
        "show_first_name": ("(i %% 2 = 0)", []),
        "language": ("'fr'", []),
    }
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in per_row:
            expression, values = per_row[field.name]
        elif field.unique and isinstance(field, models.UUIDField):
            expression, values = "md5(%s || i)::uuid", [prefix]
        elif field.unique:
            # Five hex characters of the whole prefix: short enough for share_code, and
            # distinct per petition (the first four letters of "bench-delivery" and
            # "bench-export" are the same).
            expression, values = "left(md5(%s), 5) || i", [prefix]
        elif field.has_default():
            expression = "%s"
            values = [field.get_db_prep_save(field.get_default(), connection)]
        elif field.null:
            expression, values = "NULL", []
        elif isinstance(field, models.BooleanField):
            expression, values = "false", []
        elif isinstance(field, models.DateTimeField | models.DateField):
            expression, values = "now()", []
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            expression, values = "0", []
        else:
            expression, values = "''", []
        columns.append(connection.ops.quote_name(field.column))
        expressions.append(expression)
        params.extend(values)
    # Names come from the model and values go as parameters: nothing here is user input.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
    sql += "FROM generate_series(1, %s) AS i"
    return sql, [*params, count]


def signature_rows_insert(args: argparse.Namespace) -> dict:
    """Give a bench petition `count` confirmed signatures, written by PostgreSQL itself."""
    from django.db import connection, transaction

    from petitions.models import Signature

    petition = _petition_for_bench(args.slug)
    have = Signature.objects.filter(petition=petition).count()
    started = time.monotonic()
    if have < args.count:
        sql, params = signature_rows_insert_sql(
            model=Signature,
            petition_id=petition.pk,
            count=args.count - have,
            prefix=f"{args.slug}-{have}",
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(sql, params)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Signature._meta.db_table)}")
    return {"slug": petition.slug, "rows": args.count, "seconds": time.monotonic() - started}


def export_run(args: argparse.Namespace) -> dict:
    """Export a petition's signatures as CSV: the step whose time and memory are measured."""
    from django.core.management import call_command

    printed = io.StringIO()
    call_command("export_signatures", petition=args.slug, output=args.output, stdout=printed)
    return {"printed": printed.getvalue()[-2000:]}


def delivery_run(args: argparse.Namespace) -> dict:
    """Build a petition's delivery (PDF and CSV): the step whose time and memory are measured."""
    from django.core.management import call_command

    printed = io.StringIO()
    call_command("build_delivery", petition=args.slug, stdout=printed)
    return {"printed": printed.getvalue()[-2000:]}


def staff_editor(args: argparse.Namespace) -> dict:
    """Make a superuser with an authenticator app; give the case page's id and a code now.

    make scale logs in through the proxy as staff do (password, then the app's code) and
    edits the case page in the admin.
    """
    from django.contrib.auth import get_user_model
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from campaign.selectors import page_home

    user_model = get_user_model()
    user = user_model.objects.filter(username="scale-editor").first()
    if user is None:
        user = user_model.objects.create_superuser(
            "scale-editor", "editor@bench.example.org", args.password
        )
    user.set_password(args.password)
    user.save()
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="make scale", confirmed=True
    )
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return {
        "username": user.username,
        "code": f"{code:0{device.digits}d}",
        "page_id": page_home().pk,
    }


def signatures_confirm(args: argparse.Namespace) -> dict:
    """Confirm `limit` of a run's mailed signatures as their signers would, through the service."""
    from petitions.signature_links import confirmation_token_make
    from petitions.signing import signature_confirm

    confirmed = 0
    mailed = [s for s in _bench_signatures(args.prefix) if s.confirmation_sent_at is not None]
    for signature in mailed[: args.limit]:
        signature_confirm(token=confirmation_token_make(signature=signature))
        confirmed += 1
    return {"confirmed": confirmed, "at": time.time()}


def signer_links(_args: argparse.Namespace) -> dict:
    """Sign twice as a signer would, confirm the second: the links each signer then opens."""
    from campaign.selectors import campaign_current
    from petitions.selectors import petition_open_for_campaign
    from petitions.signature_links import confirmation_token_make
    from petitions.signing import signature_confirm, signature_create

    petition = petition_open_for_campaign(campaign=campaign_current())
    tokens = []
    for name in ("pending", "confirmed"):
        signature = signature_create(
            petition=petition,
            first_name="Aynur",
            last_name="Tursun",
            email=f"bench-links-{name}-{time.time_ns()}@{BENCH_EMAIL_DOMAIN}",
            country="FR",
            language="fr",
        ).signature
        tokens.append(confirmation_token_make(signature=signature))
    signature_confirm(token=tokens[1])
    return {
        "confirm_url": f"/petition/confirm/{tokens[0]}/",
        "confirmed_url": f"/petition/confirm/{tokens[1]}/",
    }


def counts_report(_args: argparse.Namespace) -> dict:
    """The petition's confirmed rows, the count beat reconciled, and when it did."""
    from campaign.selectors import campaign_current
    from petitions.models import Signature
    from petitions.selectors import petition_open_for_campaign

    petition = petition_open_for_campaign(campaign=campaign_current())
    reconciled_at = petition.confirmed_count_at
    return {
        "confirmed_rows": Signature.objects.confirmed().filter(petition=petition).count(),
        "stored_rows": Signature.objects.filter(petition=petition).count(),
        "reconciled_count": petition.confirmed_count,
        "reconciled_at": reconciled_at.timestamp() if reconciled_at else None,
    }


def idle(_args: argparse.Namespace) -> dict:
    """Start Django and stop: the memory every measured process starts with."""
    return {}


COMMANDS = {
    "site": site_describe,
    "signatures": signatures_report,
    "confirmations-queue": confirmations_queue,
    "rows": signature_rows_insert,
    "export": export_run,
    "delivery": delivery_run,
    "idle": idle,
    "staff-editor": staff_editor,
    "confirm": signatures_confirm,
    "counts": counts_report,
    "signer-links": signer_links,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--prefix", default="bench-sign")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--slug", default="")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--output", default="")
    parser.add_argument("--password", default="")
    args = parser.parse_args(argv)
    django.setup()
    _print(COMMANDS[args.command](args))


if __name__ == "__main__":
    main()
