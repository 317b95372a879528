"""The commands that make keys: a pair for the data officers, and `make run`'s own keys."""

import io
import json
import os
import stat
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from core.sealing import Unsealer, key_encode, private_key_parse, seal


def test_a_new_pair_prints_the_public_key_for_the_site_and_the_private_one_apart(
    settings, site_language
):
    out, err = io.StringIO(), io.StringIO()

    call_command("sealing_keys_generate", stdout=out, stderr=err)

    # Only the public key on standard output: appended to the env file, that is all it adds.
    [public_line] = out.getvalue().splitlines()
    private_line = err.getvalue().splitlines()[-1]
    lines = {
        "SEALING_PUBLIC_KEY": public_line.removeprefix("SEALING_PUBLIC_KEY="),
        "private key": private_line.removeprefix("private key: "),
    }
    settings.SEALING_PUBLIC_KEY = lines["SEALING_PUBLIC_KEY"]
    private_key = private_key_parse(lines["private key"])
    assert key_encode(private_key.public_key) == settings.SEALING_PUBLIC_KEY
    assert Unsealer(private_key).unseal(seal({"email": "a@example.org"})) == {
        "email": "a@example.org"
    }
    assert "Gardez-la hors ligne" in err.getvalue()  # the warning in the site's language


def test_make_run_writes_its_development_keys_once_readable_by_the_owner_only(settings, tmp_path):
    settings.DEBUG = True
    settings.DEVELOPMENT_KEYS_FILE = tmp_path / "private" / "development-keys.json"

    call_command("development_keys", stdout=io.StringIO())
    first = settings.DEVELOPMENT_KEYS_FILE.read_text()
    out = io.StringIO()
    call_command("development_keys", stdout=out)

    assert settings.DEVELOPMENT_KEYS_FILE.read_text() == first  # kept, never replaced
    assert str(settings.DEVELOPMENT_KEYS_FILE) in out.getvalue()  # says where it is
    assert stat.S_IMODE(settings.DEVELOPMENT_KEYS_FILE.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.DEVELOPMENT_KEYS_FILE.parent.stat().st_mode) == 0o700
    keys = json.loads(first)
    settings.SEALING_PUBLIC_KEY = keys["SEALING_PUBLIC_KEY"]
    assert private_key_parse(keys["SEALING_PRIVATE_KEY"])
    assert all(len(keys[name]) >= 32 for name in ("SIGNER_MAILBOX_KEY", "ACCESS_TRAIL_KEY"))


def test_development_keys_are_refused_outside_debug(settings, tmp_path, site_language):
    settings.DEBUG = False
    settings.DEVELOPMENT_KEYS_FILE = tmp_path / "development-keys.json"

    with pytest.raises(CommandError) as refused:
        call_command("development_keys", stdout=io.StringIO())
    assert str(refused.value) == (
        "Les clés de développement ne servent qu'avec DEBUG\N{NO-BREAK SPACE}; en production, "
        "les clés viennent de l'environnement."
    )
    assert not settings.DEVELOPMENT_KEYS_FILE.exists()


def test_an_older_development_keys_file_gains_the_new_keys_and_keeps_the_old(
    settings, tmp_path, site_language
):
    settings.DEBUG = True
    settings.DEVELOPMENT_KEYS_FILE = tmp_path / "development-keys.json"
    call_command("development_keys", stdout=io.StringIO())
    older = json.loads(settings.DEVELOPMENT_KEYS_FILE.read_text())
    del older["NEWS_ADDRESS_KEY"]
    settings.DEVELOPMENT_KEYS_FILE.write_text(json.dumps(older))

    out = io.StringIO()
    call_command("development_keys", stdout=out)

    keys = json.loads(settings.DEVELOPMENT_KEYS_FILE.read_text())
    assert len(keys["NEWS_ADDRESS_KEY"]) >= 32
    # In French, the keys named as the settings they fill.
    assert (
        f"Clés de développement écrites dans {settings.DEVELOPMENT_KEYS_FILE}"
        "\N{NO-BREAK SPACE}: NEWS_ADDRESS_KEY.\n"
    ) in out.getvalue()
    assert {name: keys[name] for name in older} == older  # nothing already made changes


def test_make_up_in_productions_way_is_told_the_keys_come_from_the_environment(
    settings, tmp_path, site_language
):
    settings.DEBUG = False
    settings.DEVELOPMENT_KEYS_FILE = tmp_path / "private" / "development-keys.json"
    out = io.StringIO()

    call_command("development_keys", "--unless-production", stdout=out)

    assert "DEBUG est désactivé\N{NO-BREAK SPACE}: les clés viennent de l'environnement" in (
        out.getvalue()
    )
    assert not settings.DEVELOPMENT_KEYS_FILE.exists()


def test_a_data_officer_reads_the_key_pair_command_s_help_in_the_site_s_language():
    # A process of its own, as the officer runs it: no language chosen but LANGUAGE_CODE.
    shown = subprocess.run(
        [sys.executable, "manage.py", "sealing_keys_generate", "--help"],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "Afficher une nouvelle paire de clés pour sceller les données des signataires" in (
        " ".join(shown.split())
    )
