"""A journalist checks that the count was never rewritten: the public ledger and its verifiers."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from petitions import ledger, review
from petitions.models import LedgerEntry, Signature
from tests.factories import SignatureFactory

ROOT = Path(__file__).resolve().parents[2]
TEST_PUBLIC_KEY = "uZOMvg0xT7RsckJ8KLDzbo7twJFKLxpaGMyAE02GE2M="


@pytest.fixture
def three_entries(petition, django_capture_on_commit_callbacks):
    """A ledger of three entries: a day, an invalidation by staff, the next day."""
    SignatureFactory.create_batch(5, petition=petition, confirmed=True)
    ledger.ledger_entry_append(petition=petition, event=LedgerEntry.Event.DAILY)
    fakes = SignatureFactory.create_batch(2, petition=petition, confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        review.signatures_invalidate(
            signatures=Signature.objects.filter(pk__in=[fake.pk for fake in fakes]),
            reason="Same network, same minute",
        )
    ledger.ledger_entry_append(petition=petition, event=LedgerEntry.Event.DAILY)
    return petition


def _verify_command(**options) -> str:
    from io import StringIO

    out = StringIO()
    call_command("ledger_verify", stdout=out, **options)
    return out.getvalue()


def test_each_entry_states_the_count_and_the_invalidations_by_reason(three_entries):
    contents = [json.loads(entry.body) for entry in three_entries.ledger_entries.all()]

    assert [content["event"] for content in contents] == ["daily", "invalidation", "daily"]
    assert [content["confirmed_total"] for content in contents] == [5, 5, 5]
    assert contents[1]["invalidation"] == {"signatures": 2, "reason": "staff_review"}
    assert contents[2]["invalidated_by_reason"] == {"staff_review": 2}
    assert contents[1]["previous_hash"] == three_entries.ledger_entries.get(sequence=1).entry_hash
    # The free text staff typed may name someone: it never reaches the ledger.
    assert not any("network" in entry.body for entry in three_entries.ledger_entries.all())


def test_the_untouched_ledger_verifies(three_entries):
    with translation.override("fr"):
        printed = _verify_command()

    assert "liberez-mamat\N{NO-BREAK SPACE}: 3 entrées vérifiées\n" in printed


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda body: body.replace('"confirmed_total":5', '"confirmed_total":9'), "SHA-256"),
        (lambda body: body.replace('"staff_review":2', '"staff_review":0'), "SHA-256"),
    ],
)
def test_a_count_altered_in_a_past_entry_fails_naming_the_entry(three_entries, change, problem):
    entry = three_entries.ledger_entries.get(sequence=2)
    LedgerEntry.objects.filter(pk=entry.pk).update(body=change(entry.body))

    with pytest.raises(CommandError, match=f"liberez-mamat: entry 2: .*{problem}"):
        _verify_command()


def test_an_entry_rewritten_with_its_hash_breaks_the_signature_and_the_chain(three_entries):
    import hashlib

    entry = three_entries.ledger_entries.get(sequence=2)
    body = entry.body.replace('"confirmed_total":5', '"confirmed_total":9')
    LedgerEntry.objects.filter(pk=entry.pk).update(
        body=body, entry_hash=hashlib.sha256(body.encode()).hexdigest()
    )

    with pytest.raises(CommandError, match="entry 2: its signature is not valid"):
        _verify_command()


def test_an_entry_deleted_from_the_middle_is_named(three_entries):
    three_entries.ledger_entries.filter(sequence=2).delete()

    with pytest.raises(CommandError, match="entry 3: out of place"):
        _verify_command(petition="liberez-mamat")


def test_the_daily_entry_is_written_once_a_day(petition):
    assert ledger.ledger_daily_append() == 1
    assert ledger.ledger_daily_append() == 0

    assert list(petition.ledger_entries.values_list("event", flat=True)) == ["daily"]


def test_the_petition_page_links_to_its_ledger_which_shows_the_public_key(client, three_entries):
    petition_page = client.get(three_entries.get_absolute_url()).content.decode()
    ledger_page = client.get(reverse("petitions:ledger", args=[three_entries.slug]))

    assert reverse("petitions:ledger", args=[three_entries.slug]) in petition_page
    assert TEST_PUBLIC_KEY in ledger_page.content.decode()
    assert ">Confirmées</th>" in ledger_page.content.decode()  # a count of signatures
    assert ">Invalidées</th>" in ledger_page.content.decode()
    assert (
        reverse("petitions:ledger_json", args=[three_entries.slug]) in ledger_page.content.decode()
    )


def _script(*arguments: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run the verifier as a journalist would: a copy of the file alone, outside the project."""
    shutil.copy(ROOT / "scripts" / "verify_ledger.py", cwd / "verify_ledger.py")
    return subprocess.run(
        [sys.executable, "-I", "verify_ledger.py", *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_standalone_script_verifies_the_json_downloaded_from_the_site(
    client, three_entries, tmp_path
):
    download = client.get(reverse("petitions:ledger_json", args=[three_entries.slug]))
    (tmp_path / "ledger.json").write_bytes(download.content)

    result = _script("ledger.json", "--public-key", TEST_PUBLIC_KEY, cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "verified: 3 entries of liberez-mamat" in result.stdout
    assert "5 confirmed, 2 invalidated" in result.stdout


def test_the_script_names_an_altered_entry_and_refuses_another_key(client, three_entries, tmp_path):
    document = json.loads(
        client.get(reverse("petitions:ledger_json", args=["liberez-mamat"])).content
    )
    document["entries"][0]["body"] = document["entries"][0]["body"].replace(":5,", ":50,")
    (tmp_path / "altered.json").write_text(json.dumps(document))

    altered = _script("altered.json", "--public-key", TEST_PUBLIC_KEY, cwd=tmp_path)
    other_key = _script(
        "altered.json", "--public-key", "iWCng1VMJbtNMfyf/ob+Syrd1dB9QQYBO5O2lYOPacQ=", cwd=tmp_path
    )

    assert altered.returncode == 1 and "NOT VERIFIED: entry 1" in altered.stdout
    assert other_key.returncode == 1 and "entry 1" in other_key.stdout


def test_an_archived_copy_that_disagrees_with_today_proves_a_rewrite(
    client, three_entries, tmp_path
):
    url = reverse("petitions:ledger_json", args=["liberez-mamat"])
    (tmp_path / "archived.json").write_bytes(client.get(url).content)
    # The site rewrites its history from entry 2 on, with its own key: a valid ledger again.
    three_entries.ledger_entries.filter(sequence__gte=2).delete()
    ledger.ledger_entry_append(petition=three_entries, event=LedgerEntry.Event.DAILY)
    ledger.ledger_entry_append(petition=three_entries, event=LedgerEntry.Event.DAILY)
    (tmp_path / "today.json").write_bytes(client.get(url).content)

    alone = _script("today.json", "--public-key", TEST_PUBLIC_KEY, cwd=tmp_path)
    compared = _script(
        "today.json", "--public-key", TEST_PUBLIC_KEY, "--archived", "archived.json", cwd=tmp_path
    )

    assert alone.returncode == 0
    assert compared.returncode == 1
    assert "entry 2: today's ledger differs from the archived copy" in compared.stdout


def test_countries_are_counted_but_a_small_one_is_merged_so_it_names_no_one(petition, settings):
    settings.COUNTRY_COUNT_THRESHOLD = 3
    SignatureFactory.create_batch(4, petition=petition, confirmed=True, country="FR")
    SignatureFactory(petition=petition, confirmed=True, country="VA")

    entry = ledger.ledger_entry_append(petition=petition, event=LedgerEntry.Event.DAILY)

    assert json.loads(entry.body)["confirmed_by_country"] == {"FR": 4, "other": 1}
