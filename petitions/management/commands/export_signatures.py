"""Export a petition's signatures to a file, through the same code as the admin's export."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from petitions import exports
from petitions.models import Petition, Signature, SignatureExport
from petitions.selectors import SignatureExportFilters, signatures_for_export


class Command(BaseCommand):
    help = (
        "Write a petition's signatures as CSV or XLSX (every cell safe to open in a "
        "spreadsheet), and record the export in the access trail."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--petition", required=True, help="the petition's slug")
        parser.add_argument(
            "--format", choices=SignatureExport.Format.values, default=SignatureExport.Format.CSV
        )
        parser.add_argument("--output", required=True, help="the file to write (- for stdout)")
        parser.add_argument("--status", choices=Signature.Status.values, default="")
        parser.add_argument(
            "--named-only",
            action="store_true",
            help="only signers who agreed to be named in the delivery",
        )

    def handle(self, *args, **options) -> None:
        petition = Petition.objects.filter(slug=options["petition"]).first()
        if petition is None:
            raise CommandError(f"No petition with the slug {options['petition']!r}.")
        filters = SignatureExportFilters(
            petition_id=petition.pk, status=options["status"], named_only=options["named_only"]
        )
        signatures = signatures_for_export(filters=filters)
        file_format = options["format"]
        output = options["output"]
        if file_format == SignatureExport.Format.XLSX:
            if output == "-":
                raise CommandError("XLSX is written to a file: give --output PATH.")
            row_count = exports.xlsx_write(signatures, output)
        elif output == "-":
            row_count = exports.csv_write(signatures, sys.stdout)
        else:
            with Path(output).open("w", encoding="utf-8", newline="") as file:
                row_count = exports.csv_write(signatures, file)
        exports.signatures_export_record(
            actor=None,
            query={**filters.as_json(), "format": file_format, "via": "manage.py"},
            row_count=row_count,
        )
        if output != "-":
            self.stdout.write(f"{row_count} signatures written to {output}")
