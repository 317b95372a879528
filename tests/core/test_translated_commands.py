"""An operator reads every command of the site's --help in the site's language."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from core.translated_commands import TranslatedHelpCommand

# The site's own apps are the ones at the top of the project; installed packages' and Django's
# commands (migrate, runserver...) keep their own --help.
SITE_APPS = {
    app_config.name
    for app_config in apps.get_app_configs()
    if Path(app_config.path).parent == Path(settings.BASE_DIR)
}
SITE_COMMANDS = sorted(
    (name, app_name) for name, app_name in get_commands().items() if app_name in SITE_APPS
)
# The arguments every command has from Django (--verbosity, --settings...): not the site's.
DJANGO_ARGUMENTS = {action.dest for action in BaseCommand().create_parser("manage.py", "")._actions}


def _parser(app_name: str, name: str, language: str) -> CommandParser:
    with translation.override(language):
        return load_command_class(app_name, name).create_parser("manage.py", name)


def _arguments_help(parser: CommandParser) -> dict[str, str]:
    return {
        action.dest: action.help
        for action in parser._actions
        if action.dest not in DJANGO_ARGUMENTS and action.help
    }


def test_the_site_s_commands_are_found_in_each_app_that_has_some():
    # Were the discovery to find nothing, the test below would pass on nothing.
    assert {app_name for _, app_name in SITE_COMMANDS} == {
        "core",
        "campaign",
        "petitions",
        "deliveries",
        "staff",
    }


@pytest.mark.parametrize(("name", "app_name"), SITE_COMMANDS, ids=[n for n, _ in SITE_COMMANDS])
def test_each_of_the_site_s_commands_explains_itself_in_french(name, app_name):
    command = load_command_class(app_name, name)
    french, english = _parser(app_name, name, "fr"), _parser(app_name, name, "en")

    assert isinstance(command, TranslatedHelpCommand)
    assert french.description and french.description != english.description
    assert _arguments_help(french).keys() == _arguments_help(english).keys()
    assert [
        dest
        for dest, help_text in _arguments_help(french).items()
        if help_text == _arguments_help(english)[dest]
    ] == []  # each argument the command adds is explained in French too


@pytest.mark.parametrize(("name", "app_name"), SITE_COMMANDS, ids=[n for n, _ in SITE_COMMANDS])
def test_every_argument_a_site_command_adds_says_what_it_does(name, app_name):
    # An operator reading --help sees each option the command adds explained, not only listed
    # (export_signatures' --format and --status were, once).
    parser = _parser(app_name, name, "en")

    assert [
        action.option_strings or action.dest
        for action in parser._actions
        if action.dest not in DJANGO_ARGUMENTS and not action.help
    ] == []


def _help_shown(command: str) -> str:
    """Run `manage.py <command> --help` as an operator does: a process of its own, with no
    language chosen but LANGUAGE_CODE; its text on one line, as argparse wraps it."""
    shown = subprocess.run(
        [sys.executable, "manage.py", command, "--help"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(shown.split())


def test_a_data_officer_reads_the_export_command_s_help_in_french():
    shown = _help_shown("export_signatures")

    assert "Écrire les signatures d'une pétition en CSV ou en XLSX" in shown
    assert "uniquement les signataires qui ont accepté d'être nommés" in shown


def test_an_operator_reads_the_delivery_command_s_help_in_french():
    shown = _help_shown("deliver_signatures")

    assert "Montrer ce qui serait remis aux cibles des pétitions" in shown
    assert "Remettre ce que montre l'aperçu." in shown
