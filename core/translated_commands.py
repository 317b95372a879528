"""A management command whose --help reads in the site's language, as what it prints does."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext


class TranslatedHelpCommand(BaseCommand):
    """Give argparse the command's `help` translated when the parser is made.

    `help` is a class attribute, read before any language is chosen, and argparse refuses a
    lazy translation (it runs re.sub on the text). So a command marks its `help` with
    gettext_noop, which makemessages finds and leaves a plain string, and it is translated
    here, in the language the command runs in (LANGUAGE_CODE under manage.py). Its arguments'
    help is made in add_arguments, which runs at the same moment: plain gettext there.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.help:  # gettext("") would return the catalogue's header
            parser.description = gettext(self.help)
        return parser
