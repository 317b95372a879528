"""Export a petition's signatures to a file, through the same writer as the admin's export."""

import os
import sys
from contextlib import nullcontext
from typing import IO

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_noop, ngettext

from core.sealing import SealingKeyInvalid, Unsealer, private_key_or_keys_file_parse
from core.translated_commands import TranslatedHelpCommand
from petitions.exports import SignatureExportFilters, signatures_export_write, signatures_for_export
from petitions.models import Petition, Signature, SignatureExport


def _private_file(path: str) -> IO[bytes]:
    """Open `path` for writing, readable by its owner only: the file names signers."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through os.open
    return os.fdopen(descriptor, "wb")


def _private_key_read() -> str:
    """Read what the data officer gives on standard input: a key typed at the terminal ends
    with its line; a key or a file of keys piped or redirected in, with the input."""
    return sys.stdin.readline() if sys.stdin.isatty() else sys.stdin.read()


class Command(TranslatedHelpCommand):
    help = gettext_noop(
        "Write a petition's signatures as CSV or XLSX (every cell safe to open in a "
        "spreadsheet), and record the export in the access trail."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--petition", required=True, help=gettext("the petition's slug"))
        parser.add_argument(
            "--format",
            choices=SignatureExport.Format.values,
            default=SignatureExport.Format.CSV,
            help=gettext("the file's format: CSV by default; XLSX only to a file, not to stdout"),
        )
        parser.add_argument(
            "--output", required=True, help=gettext("the file to write (- for stdout)")
        )
        parser.add_argument(
            "--status",
            choices=Signature.Status.values,
            default="",
            help=gettext("only the signatures in this state (by default, every state)"),
        )
        parser.add_argument(
            "--named-only",
            action="store_true",
            help=gettext("only signers who agreed to be named in the delivery"),
        )
        parser.add_argument(
            "--private-key-stdin",
            action="store_true",
            help=gettext(
                "read the data officers' private key from standard input, alone or in its "
                "file of keys (private/development-keys.json), to include the sealed data "
                "(it is kept in memory for this export only)"
            ),
        )

    def handle(self, *args, **options) -> None:
        petition = Petition.objects.filter(slug=options["petition"]).first()
        if petition is None:
            raise CommandError(
                gettext("No petition with the slug %(slug)s.") % {"slug": options["petition"]}
            )
        filters = SignatureExportFilters(
            petition_id=petition.pk, status=options["status"], named_only=options["named_only"]
        )
        file_format, output = options["format"], options["output"]
        if file_format == SignatureExport.Format.XLSX and output == "-":
            raise CommandError(gettext("XLSX is written to a file: give --output PATH."))
        unsealer = None
        if options["private_key_stdin"]:
            try:
                unsealer = Unsealer(private_key_or_keys_file_parse(_private_key_read()))
            except SealingKeyInvalid as error:
                refusal = gettext("%(refusal)s Nothing was exported.")
                raise CommandError(refusal % {"refusal": error.refusal}) from error
        with nullcontext(sys.stdout.buffer) if output == "-" else _private_file(output) as out:
            row_count = signatures_export_write(
                actor=None,
                signatures=signatures_for_export(filters=filters),
                query={**filters.as_json(), "via": "manage.py"},
                file_format=file_format,
                out=out,
                unsealer=unsealer,
            )
        if output != "-":
            # Grouped as the admin shows counts ("50 016" in French), in the site's language.
            written = ngettext(
                "%(count)s signature written to %(file)s.",
                "%(count)s signatures written to %(file)s.",
                row_count,
            )
            self.stdout.write(written % {"count": intcomma(row_count), "file": output})
