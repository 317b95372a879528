"""Data officers read what each trail entry touched in their own language, old entries too."""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from staff.access_trail import access_event_record
from staff.models import AccessEvent
from staff.services import backup_codes_renew
from staff.trail_targets import LEGACY_TARGETS, trail_target_read, trail_target_text
from tests.staff_fixtures import STAFF_PASSWORD, staff_user_create, totp_device_for

pytestmark = pytest.mark.django_db

Action, Note = AccessEvent.Action, AccessEvent.Note
TRAIL_URL = reverse("admin:staff_accessevent_changelist")

# Targets as the trail wrote them, in English, before what was done was stored as a code.
OLD_ENTRIES = [
    (Action.LOGIN_FAILED, "password"),
    (Action.LOGIN_FAILED, "password, unknown account"),
    (Action.LOGIN_FAILED, "second factor"),
    (Action.LOGIN_FAILED, "second factor, unknown account"),
    (Action.LOGGED_IN, "backup code"),
    (Action.LOGGED_IN, "authenticator app"),
    (Action.ACCOUNT_LOCKED, "until 2026-11-29 14:05 UTC"),
    (Action.ACCOUNT_LOCKED, "until 2026-11-29 14:05 UTC, unknown account"),
    (Action.NETWORK_LOCKED, "until 2026-11-29 14:05 UTC"),
    (Action.ACCOUNT_UNLOCKED, "user camille"),
    (Action.TWO_FACTOR_RESET, "user camille"),
    (Action.NETWORK_UNLOCKED, "for user camille"),
    (Action.TRAIL_PURGED, "before 2025-11-29"),
    (Action.SEARCHED_SIGNATURES, "petitions.Signature (erasure)"),
    (Action.SEARCHED_SIGNATURES, "petitions.Signature (invalidation preview)"),
    (Action.ERASED_SIGNER, "retention: unconfirmed signatures deleted"),
    (Action.ERASED_SIGNER, "retention: unconfirmed invalidated signatures anonymised"),
    (Action.ERASED_SIGNER, "retention: closed petitions' signatures anonymised"),
    (Action.ERASED_SIGNER, "deliveries.Delivery #7: list on file rewritten"),
    (Action.HID_NAMES, "deliveries.Delivery #7: list not yet sent rewritten"),
    (Action.HID_NAMES, "deliveries.Delivery #7: list rewritten before sending"),
    (Action.HID_NAMES, "deliveries.Delivery #7: list already sent, cannot be recalled"),
    (Action.HID_NAMES, "deliveries.Delivery #7: list being sent, cannot be recalled"),
]
# What an old entry's model references read as now, in English, as every new entry's do.
REFERENCES_WORDED_IN_ENGLISH = {
    "deliveries.Delivery #7": "delivery no. 7",
    "petitions.Signature": "signatures",
}


def _trail_page_in(client, language: str) -> str:
    return client.get(TRAIL_URL, headers={"accept-language": language}).content.decode()


def _worded(event: AccessEvent, language: str) -> str:
    with translation.override(language):
        return trail_target_text(event)


def test_every_kind_of_target_reads_in_french_on_the_trail_page(verified_staff_client):
    entries = [
        access_event_record(
            actor=None,
            action=Action.HID_NAMES,
            target="deliveries.Delivery #7" if "%(target)s" in str(note.label) else "",
            note=note,
        )
        for note in Note
    ]

    page = _trail_page_in(verified_staff_client, "fr")

    for entry in entries:
        french, english = _worded(entry, "fr"), _worded(entry, "en")
        assert french != english, f"{entry.note} is not translated"
        assert html.escape(french) in page
        assert f'<td class="field-what_was_touched">{html.escape(english)}</td>' not in page
    assert "code de secours" in page
    assert "remise n°\N{NO-BREAK SPACE}7\N{NO-BREAK SPACE}: liste déjà envoyée" in page


def test_a_login_with_a_backup_code_after_a_wrong_code_reads_in_french(verified_staff_client):
    client = Client()
    user = staff_user_create("camille")
    totp_device_for(user)
    client.post(reverse("admin:login"), {"username": "camille", "password": STAFF_PASSWORD})
    verify_url = reverse("admin:staff_two_factor_verify")
    client.post(verify_url, {"token": "000000"})
    client.post(verify_url, {"token": backup_codes_renew(user=user)[0]})

    page = _trail_page_in(verified_staff_client, "fr")

    cells = page.split('<td class="field-what_was_touched">')[1:]
    worded = [cell.split("</td>")[0] for cell in cells]
    assert "code de secours" in worded  # the login
    assert "deuxième étape" in worded  # the wrong code before it
    assert "backup code" not in page and "second factor" not in page
    # Stored as codes, not in words of the language the staff member logged in with.
    stored = AccessEvent.objects.filter(
        actor=user, action__in=[Action.LOGGED_IN, Action.LOGIN_FAILED]
    ).values_list("action", "target", "note")
    assert sorted(stored) == [
        (Action.LOGGED_IN, "", Note.LOGIN_BACKUP_CODE),
        (Action.LOGIN_FAILED, "", Note.LOGIN_SECOND_FACTOR),
    ]


@pytest.mark.parametrize(("action", "old_target"), OLD_ENTRIES)
def test_an_entry_written_in_english_before_the_codes_reads_in_french(
    verified_staff_client, action, old_target
):
    old = AccessEvent.objects.create(action=action, target=old_target)

    page = _trail_page_in(verified_staff_client, "fr")

    assert trail_target_read(old).note, f"{old_target!r} is not recognised"
    french = _worded(old, "fr")
    assert french != old_target
    assert f'<td class="field-what_was_touched">{html.escape(french)}</td>' in page
    # Read anew, never rewritten: the trail is append-only.
    old.refresh_from_db()
    assert (old.target, old.note) == (old_target, "")


@pytest.mark.parametrize(("action", "old_target"), OLD_ENTRIES)
def test_an_old_entry_read_in_english_says_what_it_was_written_as_its_model_named_in_words(
    action, old_target
):
    old = AccessEvent.objects.create(action=action, target=old_target)
    reference, note = trail_target_read(old)
    # Written the new way, the same entry reads the same.
    new = access_event_record(actor=None, action=action, target=reference, note=note)
    written_as = old_target
    for stored, worded in REFERENCES_WORDED_IN_ENGLISH.items():
        written_as = written_as.replace(stored, worded)

    assert _worded(old, "en") == _worded(new, "en") == written_as


def test_every_old_form_the_reader_knows_is_checked_above():
    known = {(action, note) for action, forms in LEGACY_TARGETS.items() for _, note in forms}
    checked = {
        (action, trail_target_read(AccessEvent(action=action, target=target)).note)
        for action, target in OLD_ENTRIES
    }

    assert checked == known


def test_a_target_in_staff_s_own_words_is_never_read_as_an_old_form():
    # A petition's title, trailed as it was imported on paper.
    imported = access_event_record(
        actor=None, action=Action.IMPORTED_PAPER_SIGNATURES, target="user manual"
    )

    assert trail_target_read(imported) == ("user manual", "")
    assert _worded(imported, "fr") == "user manual"
