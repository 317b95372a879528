"""Withdraw, erase and hide again what the erasure journal records, after a database restore."""

from django.core.management.base import BaseCommand, CommandError

from petitions.erasure_journal import JournalLineBad
from petitions.erasure_reapply import erasures_reapply


class Command(BaseCommand):
    help = (
        "Run right after restoring a database backup (and `migrate`), before the site reopens: "
        "re-applies every withdrawal, erasure and hidden name in the erasure journal that the "
        "restored database no longer shows, then reconciles the counts. Safe to run any time: "
        "it changes nothing when nothing came back."
    )

    def handle(self, *args, **options) -> None:
        try:
            applied = erasures_reapply()
        except JournalLineBad as error:
            raise CommandError(
                f"The erasure journal holds a line it cannot read ({error}): the lines before "
                "it were applied, none after. Fix or remove that line, then run this again."
            ) from error
        self.stdout.write(
            f"Applied again: {applied['withdrawn']} withdrawn, {applied['erased']} erased, "
            f"{applied['hidden']} hidden."
        )
