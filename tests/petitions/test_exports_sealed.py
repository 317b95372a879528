"""A data officer opens the sealed data for one export with the private key, and only then."""

import codecs
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from petitions import sealing
from petitions.models import Signature
from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import csv_rows
from tests.sealing_keys import TEST_SEALING_PRIVATE_KEY, WRONG_PRIVATE_KEY

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:petitions_signature_export")


@pytest.fixture
def sealed_signers():
    """A petition with a named signer and an unnamed one, both confirmed and sealed."""
    petition = PetitionFactory(slug="mamat")
    named = SignatureFactory(
        petition=petition,
        confirmed=True,
        first_name="Ilham",
        last_name="Tohti",
        email="ilham@example.org",
        name_in_delivery=True,
    )
    unnamed = SignatureFactory(
        petition=petition,
        confirmed=True,
        first_name="Aynur",
        last_name="Tursun",
        email="aynur@example.org",
        postcode="75011",
    )
    sealing.signatures_seal_due()
    return petition, named, unnamed


def _export(client, **fields):
    return client.post(EXPORT_URL, {"format": "csv", **fields})


def _command_export(output) -> None:
    """Export the petition with `manage.py export_signatures`, the key read from stdin."""
    call_command(
        "export_signatures",
        petition="mamat",
        output=str(output),
        private_key_stdin=True,
        stdout=io.StringIO(),
    )


def _rows(response) -> list[list[str]]:
    return csv_rows(b"".join(response.streaming_content))[1:]


def test_with_the_key_the_export_gives_back_every_field(officer_client, sealed_signers):
    _petition, _named, _unnamed = sealed_signers

    rows = _rows(_export(officer_client, private_key=TEST_SEALING_PRIVATE_KEY))

    assert sorted((row[0], row[1], row[2], row[4]) for row in rows) == [
        ("Aynur", "Tursun", "aynur@example.org", "75011"),
        ("Ilham", "Tohti", "ilham@example.org", ""),
    ]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.query["sealed_data_opened"] is True
    assert TEST_SEALING_PRIVATE_KEY not in json.dumps(event.query)


def test_the_key_can_be_uploaded_as_a_file(officer_client, sealed_signers):
    upload = SimpleUploadedFile("officers.key", f"{TEST_SEALING_PRIVATE_KEY}\n".encode())

    rows = _rows(_export(officer_client, private_key_file=upload))

    assert {row[2] for row in rows} == {"aynur@example.org", "ilham@example.org"}


def test_without_the_key_only_what_stays_readable_is_exported(officer_client, sealed_signers):
    rows = _rows(_export(officer_client))

    # The named signer's name goes to the authorities: it stays readable. No address does.
    assert sorted((row[0], row[1], row[2]) for row in rows) == [
        ("", "", ""),
        ("Ilham", "Tohti", ""),
    ]
    # The blank cells say why they are blank.
    assert {row[-1] for row in rows} == {
        "scellées\u00a0: vides sans la clé des responsables des données"
    }


def test_the_export_says_which_rows_were_opened_and_which_were_never_sealed(
    officer_client, sealed_signers
):
    petition, _named, _unnamed = sealed_signers
    SignatureFactory(petition=petition, last_name="Unconfirmed", email="new@example.org")

    rows = _rows(_export(officer_client, private_key=TEST_SEALING_PRIVATE_KEY))

    assert sorted((row[1], row[-1]) for row in rows) == [
        ("Tohti", "ouvertes avec la clé"),
        ("Tursun", "ouvertes avec la clé"),
        ("Unconfirmed", "lisibles"),
    ]


def test_the_wrong_key_is_refused_clearly_and_nothing_is_lost(officer_client, sealed_signers):
    before = list(Signature.objects.order_by("pk").values_list("sealed_data", flat=True))

    response = _export(officer_client, private_key=WRONG_PRIVATE_KEY)

    assert response.status_code == 200 and not response.streaming
    assert "Ce n&#x27;est pas la clé privée des responsables des données" in (
        response.content.decode()
    )
    assert TEST_SEALING_PRIVATE_KEY not in response.content.decode()
    assert WRONG_PRIVATE_KEY not in response.content.decode()  # not echoed back into the page
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()
    assert list(Signature.objects.order_by("pk").values_list("sealed_data", flat=True)) == before
    rows = _rows(_export(officer_client, private_key=TEST_SEALING_PRIVATE_KEY))
    assert {row[2] for row in rows} == {"aynur@example.org", "ilham@example.org"}


def test_the_public_key_pasted_by_mistake_is_named_as_such(
    officer_client, sealed_signers, settings
):
    response = _export(officer_client, private_key=settings.SEALING_PUBLIC_KEY)

    assert response.status_code == 200 and not response.streaming
    assert "C&#x27;est la clé publique" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


def test_above_the_threshold_the_key_is_refused_for_the_command_line(
    officer_client, sealed_signers, settings
):
    settings.EXPORT_ASYNC_THRESHOLD = 1

    response = _export(officer_client, private_key=TEST_SEALING_PRIVATE_KEY)

    assert "--private-key-stdin" in response.content.decode()
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


def test_the_command_reads_the_key_from_standard_input(sealed_signers, tmp_path, monkeypatch):
    output = tmp_path / "signers.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_SEALING_PRIVATE_KEY + "\n"))

    _command_export(output)

    assert {row[2] for row in csv_rows(output.read_bytes())[1:]} == {
        "aynur@example.org",
        "ilham@example.org",
    }


def test_the_command_refuses_the_wrong_key_and_writes_nothing(
    sealed_signers, tmp_path, monkeypatch
):
    output = tmp_path / "signers.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(WRONG_PRIVATE_KEY + "\n"))

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="not the data officers' private key"),
    ):
        _command_export(output)
    assert not output.exists()


@pytest.fixture
def rotated(sealed_signers, settings):
    """The officers rotated their key pair after the first two signers were sealed; a third
    signer was sealed to the new key."""
    from core.sealing import sealing_keys_generate

    public, private = sealing_keys_generate()
    settings.SEALING_RETIRED_PUBLIC_KEYS = [settings.SEALING_PUBLIC_KEY]
    settings.SEALING_PUBLIC_KEY = public
    petition, _named, _unnamed = sealed_signers
    SignatureFactory(
        petition=petition,
        confirmed=True,
        first_name="Rahile",
        last_name="Dawut",
        email="rahile@example.org",
    )
    sealing.signatures_seal_due()
    return private


def _opened(rows) -> dict[str, tuple[str, str]]:
    """Each signer's email (or "" when it stayed sealed) and what the last cell says."""
    return sorted((row[2], row[-1]) for row in rows)


def test_after_a_rotation_each_key_opens_its_records_and_names_the_others(officer_client, rotated):
    with_the_old_key = _rows(_export(officer_client, private_key=TEST_SEALING_PRIVATE_KEY))
    with_the_new_key = _rows(_export(officer_client, private_key=rotated))

    other_key = "scellées avec une autre clé\u00a0: exportez à nouveau avec la clé d'alors"
    assert _opened(with_the_old_key) == [
        ("", other_key),
        ("aynur@example.org", "ouvertes avec la clé"),
        ("ilham@example.org", "ouvertes avec la clé"),
    ]
    assert _opened(with_the_new_key) == [
        ("", other_key),
        ("", other_key),
        ("rahile@example.org", "ouvertes avec la clé"),
    ]
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).count() == 2


def test_after_a_rotation_the_command_takes_the_old_key_and_writes_a_private_file(
    rotated, tmp_path, monkeypatch
):
    output = tmp_path / "signers.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(TEST_SEALING_PRIVATE_KEY + "\n"))

    _command_export(output)

    emails = {row[2] for row in csv_rows(output.read_bytes())[1:]}
    assert emails == {"aynur@example.org", "ilham@example.org", ""}
    assert output.stat().st_mode & 0o777 == 0o600  # it names signers: its owner's only


@pytest.mark.parametrize(
    "saved_as",
    [
        codecs.BOM_UTF8 + f"{TEST_SEALING_PRIVATE_KEY}\r\n".encode(),
        f"{TEST_SEALING_PRIVATE_KEY}\r\n".encode("utf-16"),
    ],
    ids=["notepad-utf8-with-bom", "notepad-unicode"],
)
def test_the_key_file_opens_the_data_however_notepad_saved_it(
    officer_client, sealed_signers, saved_as
):
    upload = SimpleUploadedFile("officers.key", saved_as)

    rows = _rows(_export(officer_client, private_key_file=upload))

    assert {row[2] for row in rows} == {"aynur@example.org", "ilham@example.org"}


def test_a_file_that_is_not_the_key_is_refused_beside_the_file_field(
    officer_client, sealed_signers
):
    upload = SimpleUploadedFile("officers.pdf", b"%PDF-1.4\n" + b"\xff" * 2000)

    response = _export(officer_client, private_key_file=upload)

    assert response.status_code == 200 and not response.streaming
    form = response.context["form"]
    assert list(form.errors) == ["private_key_file"]
    assert (
        "Ce n'est pas la clé privée des responsables des données"
        in (form.errors["private_key_file"][0])
    )
    assert 'id="id_private_key_file_error"' in response.content.decode()


@pytest.fixture
def development_keys(settings, tmp_path) -> bytes:
    """The keys file `make run` gives staff, with one signer sealed to its public key."""
    settings.DEBUG = True
    settings.DEVELOPMENT_KEYS_FILE = tmp_path / "private" / "development-keys.json"
    call_command("development_keys", stdout=io.StringIO())
    keys_file = settings.DEVELOPMENT_KEYS_FILE.read_bytes()
    settings.DEBUG = False
    settings.SEALING_PUBLIC_KEY = json.loads(keys_file)["SEALING_PUBLIC_KEY"]
    SignatureFactory(
        petition=PetitionFactory(slug="mamat"),
        confirmed=True,
        first_name="Aynur",
        email="aynur@example.org",
    )
    assert sealing.signatures_seal_due() == 1
    return keys_file


@pytest.fixture
def keys_file_without_the_private_key(settings) -> str:
    """A JSON file of keys as a data officer may mistake for theirs: secrets, but not theirs."""
    return json.dumps(
        {"SEALING_PUBLIC_KEY": settings.SEALING_PUBLIC_KEY, "SIGNER_MAILBOX_KEY": "s3cret-mailbox"},
        indent=2,
    )


def test_the_development_keys_file_opens_the_sealed_data(officer_client, development_keys):
    response = _export(
        officer_client,
        private_key_file=SimpleUploadedFile("development-keys.json", development_keys),
    )

    rows = _rows(response)
    assert [(row[0], row[2], row[-1]) for row in rows] == [
        ("Aynur", "aynur@example.org", "ouvertes avec la clé")
    ]


def test_a_keys_file_without_the_private_key_is_refused_clearly_and_echoes_no_key(
    officer_client, settings, keys_file_without_the_private_key
):
    SignatureFactory(confirmed=True)

    response = _export(
        officer_client,
        private_key_file=SimpleUploadedFile(
            "keys.json", keys_file_without_the_private_key.encode()
        ),
    )

    assert response.status_code == 200 and not response.streaming
    form = response.context["form"]
    assert list(form.errors) == ["private_key_file"]
    assert form.errors["private_key_file"][0].startswith(
        "Ce fichier de clés ne contient pas d'entrée SEALING_PRIVATE_KEY"
    )
    page = response.content.decode()
    assert "s3cret-mailbox" not in page and settings.SEALING_PUBLIC_KEY not in page
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


def test_the_command_takes_the_development_keys_file_on_standard_input(
    development_keys, tmp_path, monkeypatch
):
    output = tmp_path / "signers.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(development_keys.decode()))

    _command_export(output)

    assert [row[2] for row in csv_rows(output.read_bytes())[1:]] == ["aynur@example.org"]


def test_the_command_refuses_a_keys_file_without_the_private_key_and_echoes_no_key(
    sealed_signers, settings, tmp_path, monkeypatch, keys_file_without_the_private_key
):
    output = tmp_path / "signers.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(keys_file_without_the_private_key))

    with (
        translation.override("en"),
        pytest.raises(CommandError, match="holds no SEALING_PRIVATE_KEY entry") as refused,
    ):
        _command_export(output)
    assert "s3cret-mailbox" not in str(refused.value)
    assert settings.SEALING_PUBLIC_KEY not in str(refused.value)
    assert not output.exists()
