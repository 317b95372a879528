"""The harness's hands inside the site: run by bench/run.py as `python -m bench.probe COMMAND`.

Each command prints one JSON line. It runs with the benchmark's environment and settings, in a
process of its own, so that the driver never imports Django and a measured step (export,
delivery) is alone in its process.
"""

import argparse
import importlib
import inspect
import io
import json
import sys
import time
from pathlib import Path

import django

# Where the features the harness measures live, or may once built, by the names STYLE.md
# gives: a management command (given the options it knows among --petition and --output) or a
# service (given the keyword arguments it takes among petition and output). The first one
# found is measured; until then the step says "not built yet".
EXPORT_CANDIDATES = [
    ("command", "export_signatures"),
    ("command", "signatures_export"),
    ("service", "petitions.services.signatures_export_csv"),
    ("service", "exports.services.signatures_export_csv"),
]
# build_delivery builds the letter and CSV for each target without sending them.
DELIVERY_CANDIDATES = [("command", "build_delivery")]
BENCH_EMAIL_DOMAIN = "bench.example.org"


def _print(result: dict) -> None:
    sys.stdout.write(json.dumps(result) + "\n")


def _feature_find(candidates: list[tuple[str, str]]) -> tuple[str, str] | None:
    from django.core.management import get_commands

    commands = get_commands()
    for kind, name in candidates:
        if kind == "command" and name in commands:
            return kind, name
        if kind == "service":
            module_name, _, function_name = name.rpartition(".")
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if callable(getattr(module, function_name, None)):
                return kind, name
    return None


def _reverse_or_none(name: str, **kwargs) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def site_describe(_args: argparse.Namespace) -> dict:
    """Make sure the petition exists, and say where the pages and features are."""
    from django.utils import translation

    result: dict = {"petition": None, "count_url": None, "sign_url": None, "detail_url": None}
    with translation.override("fr"):
        result["home_url"] = _reverse_or_none("campaign:home")
        try:
            from petitions import selectors, services
            from petitions.models import Petition
        except ImportError as error:
            result["petitions_missing"] = str(error)
            petition = None
        else:
            petition = Petition.objects.open_for_signing().order_by("pk").first()
            if petition is None and hasattr(services, "petition_load_initial"):
                services.petition_load_initial()
                petition = Petition.objects.open_for_signing().order_by("pk").first()
            if petition is not None and hasattr(selectors, "petition_open_for_campaign"):
                petition = (
                    selectors.petition_open_for_campaign(campaign=petition.campaign) or petition
                )
        if petition is not None:
            result["petition"] = {"id": petition.pk, "slug": petition.slug}
            result["count_url"] = _reverse_or_none("petitions:count", slug=petition.slug)
            result["sign_url"] = _reverse_or_none("petitions:sign", slug=petition.slug)
            result["detail_url"] = _reverse_or_none("petitions:detail", slug=petition.slug)
    result["export"] = _feature_find(EXPORT_CANDIDATES)
    result["delivery"] = _feature_find(DELIVERY_CANDIDATES)
    return result


def signatures_report(args: argparse.Namespace) -> dict:
    """Say which signatures of a run are stored, and how many had their email sent."""
    from petitions.models import Signature

    rows = Signature.objects.filter(email__startswith=f"{args.prefix}-").values_list(
        "email", "confirmation_sent_at"
    )
    stored, sent = [], 0
    for email, sent_at in rows:
        stored.append(email)
        sent += sent_at is not None
    return {"stored": stored, "sent": sent}


def confirmations_queue(args: argparse.Namespace) -> dict:
    """Owe the given signatures their confirmation email again, and queue them all at once."""
    from petitions import services
    from petitions.models import Signature

    signatures = Signature.objects.filter(email__startswith=f"{args.prefix}-").order_by("pk")
    ids = list(signatures.values_list("pk", flat=True)[: args.limit])
    Signature.objects.filter(pk__in=ids).update(
        confirmation_sent_at=None, confirmation_claimed_until=None, email_status=""
    )
    emails = list(Signature.objects.filter(pk__in=ids).values_list("email", flat=True))
    started = time.monotonic()
    for signature_id in ids:
        services.confirmation_email_queue(signature_id=signature_id)
    return {"queued": len(ids), "emails": emails, "queue_seconds": time.monotonic() - started}


def _petition_for_bench(slug: str):
    """Return a copy of the open petition under `slug`, with its targets, made once."""
    from petitions.models import Petition

    existing = Petition.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    model = Petition.objects.open_for_signing().order_by("pk").first()
    targets = list(model.targets.all())
    model.pk = None
    model.id = None
    model.slug = slug
    model._state.adding = True
    model.save()
    model.targets.set(targets)
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
        "email_normalized": ("%s || '-' || i || '@' || %s", [prefix, BENCH_EMAIL_DOMAIN]),
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


def _feature_run(feature: tuple[str, str], *, slug: str, output: Path) -> str:
    """Run the feature once for the petition `slug`; return what it printed."""
    from django.core.management import call_command, get_commands, load_command_class

    from petitions.models import Petition

    kind, name = feature
    if kind == "command":
        command = load_command_class(get_commands()[name], name)
        known = {action.dest for action in command.create_parser("manage.py", name)._actions}
        offered = {"petition": slug, "output": str(output)}
        printed = io.StringIO()
        call_command(
            command,
            stdout=printed,
            **{key: value for key, value in offered.items() if key in known},
        )
        return printed.getvalue()
    module_name, _, function_name = name.rpartition(".")
    function = getattr(importlib.import_module(module_name), function_name)
    accepted = inspect.signature(function).parameters
    offered = {"petition": Petition.objects.get(slug=slug), "output": output}
    function(**{key: value for key, value in offered.items() if key in accepted})
    return ""


def export_run(args: argparse.Namespace) -> dict:
    """Export a petition's signatures as CSV: the step whose time and memory are measured."""
    feature = _feature_find(EXPORT_CANDIDATES)
    printed = _feature_run(feature, slug=args.slug, output=Path(args.output))
    return {"feature": feature, "printed": printed[-2000:]}


def delivery_run(args: argparse.Namespace) -> dict:
    """Build a petition's delivery (PDF and CSV): the step whose time and memory are measured."""
    feature = _feature_find(DELIVERY_CANDIDATES)
    printed = _feature_run(feature, slug=args.slug, output=Path(args.output))
    return {"feature": feature, "printed": printed[-2000:]}


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
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.probe")
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("--prefix", default="bench-sign")
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--slug", default="")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--output", default="")
    args = parser.parse_args(argv)
    django.setup()
    _print(COMMANDS[args.command](args))


if __name__ == "__main__":
    main()
