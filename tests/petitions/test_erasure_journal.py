"""A backup restored after a lost disk must not bring back who withdrew, was erased or hidden."""

import logging
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from petitions import erasure, signature_links, signing
from petitions.models import Signature
from staff.models import AccessEvent
from tests.factories import SignatureFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as

pytestmark = pytest.mark.django_db

ERASE_URL = reverse("admin:petitions_signature_erase")
NAMES_URL = reverse("admin:petitions_signature_names")
JOURNAL_LINE = re.compile(r"(withdrawn|erased|hidden) [0-9]+ [0-9]{8}T[0-9]{6}\.[0-9]{6}Z\n")


@pytest.fixture(name="journal")
def journal_fixture(settings, tmp_path) -> Path:
    """Keep this test's erasure journal apart, as production keeps it apart from the database."""
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "erasure-journal"
    return tmp_path / "erasure-journal"


def _journal_files(journal: Path) -> list[Path]:
    return sorted(path for path in journal.rglob("*") if path.is_file())


def _public_list_of_signers(petition) -> str:
    html = Client().get(petition.get_absolute_url()).content.decode()
    return html[html.index("recent-signers__list") :]


@pytest.fixture
def campaign(sign, confirm, petition):
    """Four signers whose first names the petition's page lists, and last night's backup."""
    signers = {}
    for first_name in ("Aynur", "Gulnaz", "Memet", "Zulfiya"):
        signature = sign(
            first_name=first_name, email=f"{first_name.lower()}@example.org", show_first_name=True
        ).signature
        confirm(signature)
        signers[first_name] = signature
    backup = serializers.serialize("json", [petition, *Signature.objects.order_by("pk")])
    return signers, backup


def _restore(backup: str) -> None:
    """Put the rows back as the backup holds them, as `pg_restore` would; what the caches kept
    of the lost database expires in time, and goes at once here."""
    for row in serializers.deserialize("json", backup):
        row.save()
    cache.clear()


def _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks) -> None:
    """Aynur withdraws, a data officer erases Gulnaz, staff hide Memet's name."""
    officer, manager = Client(), Client()
    logged_in_as(officer, DATA_OFFICERS)
    logged_in_as(manager, PETITION_MANAGERS)
    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_withdraw(
            token=signature_links.withdrawal_token_make(signature=signers["Aynur"])
        )
    with django_capture_on_commit_callbacks(execute=True):
        officer.post(ERASE_URL, {"email": "gulnaz@example.org", "confirm": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        manager.post(NAMES_URL, {"hide": signers["Memet"].pk})


def test_after_a_restore_the_withdrawn_the_erased_and_the_hidden_are_not_listed_again(
    campaign, petition, journal, django_capture_on_commit_callbacks
):
    signers, backup = campaign
    _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks)
    assert "Aynur" not in _public_list_of_signers(petition)

    # The disk is lost; last night's backup is restored, and everyone is back.
    _restore(backup)
    listed = _public_list_of_signers(petition)
    assert "Aynur" in listed and "Gulnaz" in listed and "Memet" in listed

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        call_command("erasures_reapply", stdout=output)

    assert "1 retrait, 1 effacement, 1 nom masqué" in output.getvalue()
    assert not Signature.objects.filter(pk=signers["Aynur"].pk).exists()
    gulnaz = Signature.objects.get(pk=signers["Gulnaz"].pk)
    assert gulnaz.erased_at is not None and gulnaz.first_name == ""
    assert Signature.objects.get(pk=signers["Memet"].pk).name_review == (
        Signature.NameReview.HIDDEN
    )
    # The trail says the name was hidden again by no one: by the journal, after the restore.
    hidden_again = AccessEvent.objects.get(note=AccessEvent.Note.HIDDEN_AGAIN_AFTER_RESTORE)
    assert (hidden_again.action, hidden_again.actor, hidden_again.query) == (
        AccessEvent.Action.HID_NAMES,
        None,
        {"signature_ids": [signers["Memet"].pk]},
    )
    listed = _public_list_of_signers(petition)
    assert "Zulfiya" in listed
    assert "Aynur" not in listed and "Gulnaz" not in listed and "Memet" not in listed
    petition.refresh_from_db()
    assert petition.confirmed_count == 3  # Aynur is no longer counted


def _signed_at(signature) -> str:
    return signature.created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def test_the_journal_holds_only_kinds_signature_numbers_and_when_each_was_signed(
    campaign, journal, django_capture_on_commit_callbacks
):
    signers, _backup = campaign
    _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks)

    files = _journal_files(journal)
    lines = [line for path in files for line in path.read_text().splitlines(keepends=True)]

    assert len(files) == 3  # one small file per event, never one file appended to
    assert all(
        re.fullmatch(
            r"\d{4}/\d{2}/\d{2}/\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{8}\.txt",
            str(path.relative_to(journal)),
        )
        for path in files
    )
    assert all(JOURNAL_LINE.fullmatch(line) for line in lines)
    assert sorted(lines) == sorted(
        [
            f"withdrawn {signers['Aynur'].pk} {_signed_at(signers['Aynur'])}\n",
            f"erased {signers['Gulnaz'].pk} {_signed_at(signers['Gulnaz'])}\n",
            f"hidden {signers['Memet'].pk} {_signed_at(signers['Memet'])}\n",
        ]
    )


def test_running_it_again_changes_nothing(campaign, journal, django_capture_on_commit_callbacks):
    signers, backup = campaign
    _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks)
    journaled = _journal_files(journal)
    _restore(backup)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erasures_reapply", stdout=StringIO())
    rows_after_first_run = serializers.serialize("json", Signature.objects.order_by("pk"))

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        call_command("erasures_reapply", stdout=output)

    assert "0 retrait, 0 effacement, 0 nom masqué" in output.getvalue()
    assert serializers.serialize("json", Signature.objects.order_by("pk")) == rows_after_first_run
    assert _journal_files(journal) == journaled  # what it applied again is not journaled twice


def test_an_erasure_rolled_back_is_not_journaled(journal, django_capture_on_commit_callbacks):
    SignatureFactory(confirmed=True, email="gulnaz@example.org")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        erasure.signer_erase(email="gulnaz@example.org", actor=None)
        raise RuntimeError("the request failed after the erasure")

    assert _journal_files(journal) == []
    assert Signature.objects.get().erased_at is None


def test_retention_anonymising_by_its_rules_is_not_journaled(
    journal, settings, django_capture_on_commit_callbacks
):
    settings.RETENTION_PENDING_DAYS = 30
    SignatureFactory(
        status=Signature.Status.INVALIDATED, created_at=timezone.now() - timedelta(days=31)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert erasure.signatures_retention_apply()["anonymised"] == 1

    assert _journal_files(journal) == []


def test_journal_files_are_deleted_once_no_backup_kept_is_older(
    sign, confirm, journal, settings, django_capture_on_commit_callbacks
):
    settings.BACKUP_RETENTION_DAYS = 35
    signature = sign().signature
    confirm(signature)
    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_withdraw(token=signature_links.withdrawal_token_make(signature=signature))
    assert len(_journal_files(journal)) == 1

    erasure.signatures_retention_apply(now=timezone.now() + timedelta(days=34))
    assert len(_journal_files(journal)) == 1  # a backup from before the withdrawal is still kept

    result = erasure.signatures_retention_apply(now=timezone.now() + timedelta(days=36))
    assert result["erasure_journal_files_deleted"] == 1
    assert _journal_files(journal) == []


def test_a_journal_that_cannot_be_written_logs_an_error_and_the_withdrawal_still_stands(
    sign, confirm, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    (tmp_path / "not-a-directory").write_text("")
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "not-a-directory" / "erasure-journal"
    signature = sign().signature
    confirm(signature)

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        signing.signature_withdraw(token=signature_links.withdrawal_token_make(signature=signature))

    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert any(
        record.levelno == logging.ERROR and "would bring them back" in record.getMessage()
        for record in caplog.records
    )


def test_a_line_cut_short_as_it_was_written_is_not_applied(journal):
    signature = SignatureFactory(confirmed=True)
    cut_short = journal / "2026" / "11" / "28" / "20261128T141500.123456Z-0a1b2c3d.txt"
    cut_short.parent.mkdir(parents=True)
    # "erased 12" cut to "erased 1" would name someone else.
    cut_short.write_text(f"erased {signature.pk}")

    call_command("erasures_reapply", stdout=StringIO())

    signature.refresh_from_db()
    assert signature.erased_at is None


def test_a_new_signer_given_the_number_of_one_who_withdrew_is_never_withdrawn_for_them(
    campaign, petition, journal, django_capture_on_commit_callbacks
):
    # A restored database hands out again the numbers of the rows it never held.
    signers, backup = campaign
    _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks)
    _restore(backup)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("erasures_reapply", stdout=StringIO())
    newcomer = SignatureFactory(
        pk=signers["Aynur"].pk, petition=petition, confirmed=True, email="mia@example.org"
    )

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        call_command("erasures_reapply", stdout=output)

    assert "0 retrait, 0 effacement, 0 nom masqué" in output.getvalue()
    assert Signature.objects.filter(pk=newcomer.pk, erased_at__isnull=True).exists()


def test_a_line_journaled_before_signing_times_were_applies_only_to_an_older_signature(
    campaign, petition, journal, django_capture_on_commit_callbacks
):
    # A journal file of the first format: "<kind> <number>", its time in its name.
    signers, _backup = campaign
    written = timezone.now() - timedelta(days=1)
    Signature.objects.filter(pk=signers["Memet"].pk).update(created_at=written - timedelta(days=1))
    old_file = journal / f"{written:%Y/%m/%d}" / f"{written:%Y%m%dT%H%M%S.%fZ}-0badc0de.txt"
    old_file.parent.mkdir(parents=True)
    old_file.write_text(f"hidden {signers['Memet'].pk}\nwithdrawn 999999\n")
    # Number 999999 handed out again since, to a newcomer.
    SignatureFactory(pk=999999, petition=petition, confirmed=True, email="mia@example.org")

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        call_command("erasures_reapply", stdout=output)

    assert "0 retrait, 0 effacement, 1 nom masqué" in output.getvalue()
    assert Signature.objects.filter(pk=999999).exists()


def test_a_line_written_by_a_server_whose_clock_runs_behind_still_applies(
    campaign, journal, django_capture_on_commit_callbacks
):
    # The events were journaled by a node whose clock is a day behind the signing node's.
    signers, backup = campaign
    _frightened_erased_and_hidden(signers, django_capture_on_commit_callbacks)
    for path in _journal_files(journal):
        stamp, rest = path.name.split("-", 1)
        written = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ") - timedelta(days=1)
        path.rename(path.with_name(f"{written:%Y%m%dT%H%M%S.%fZ}-{rest}"))
    _restore(backup)

    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("fr"):
        call_command("erasures_reapply", stdout=output)

    assert "1 retrait, 1 effacement, 1 nom masqué" in output.getvalue()
    assert not Signature.objects.filter(pk=signers["Aynur"].pk).exists()
