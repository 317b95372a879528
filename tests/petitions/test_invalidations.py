"""A petition manager invalidates a bot's signatures by criteria, and can undo it whole."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import counter, invalidations, signature_links
from petitions.invalidations import InvalidationCriteria
from petitions.models import Invalidation, Signature
from staff.models import AccessEvent
from tests.factories import SignatureFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

BOT_IP = "b" * 64


@pytest.fixture
def attacked(petition):
    """Twelve real signers, and a bot's eight confirmed and two pending from one network."""
    SignatureFactory.create_batch(12, petition=petition, confirmed=True, email_domain="gmail.com")
    SignatureFactory.create_batch(
        8, petition=petition, confirmed=True, ip_hash=BOT_IP, email_domain="bot.example"
    )
    SignatureFactory.create_batch(2, petition=petition, ip_hash=BOT_IP, email_domain="bot.example")
    counter.petition_count_reconcile(petition_id=petition.pk)
    return petition


def _create(petition, criteria, preview=None):
    """Confirm an invalidation after its preview, as staff do; its job waits for the commit."""
    preview = preview or invalidations.invalidation_preview(petition=petition, criteria=criteria)
    invalidation = invalidations.invalidation_create(
        petition=petition,
        criteria=criteria,
        reason_category=Invalidation.Reason.ONE_SOURCE,
        reason="Ten signatures in a minute from one network",
        preview=preview,
    )
    return preview, invalidation


def _invalidate(petition, criteria, django_capture_on_commit_callbacks, preview=None):
    with django_capture_on_commit_callbacks(execute=True):
        preview, invalidation = _create(petition, criteria, preview)
    invalidation.refresh_from_db()
    return preview, invalidation


def test_an_invalidation_previewed_at_n_touches_n_moves_the_count_by_n_and_its_undo_restores_all(
    attacked, django_capture_on_commit_callbacks
):
    criteria = InvalidationCriteria(ip_hash=BOT_IP, status=Signature.Status.CONFIRMED)
    before = counter.petition_signature_count(petition=attacked)

    preview, invalidation = _invalidate(attacked, criteria, django_capture_on_commit_callbacks)

    assert preview.count == 8 and len(preview.sample) == 8 and preview.confirmed == 8
    assert invalidation.status == Invalidation.Status.DONE
    assert invalidation.touched_count == 8
    assert counter.petition_signature_count(petition=attacked) == before - 8
    touched = Signature.objects.filter(invalidation=invalidation)
    assert touched.count() == 8
    assert set(touched.values_list("status", "status_reason", "status_before_invalidation")) == {
        ("invalidated", "Ten signatures in a minute from one network", "confirmed")
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert invalidations.invalidation_undo(invalidation=invalidation)
    invalidation.refresh_from_db()

    assert invalidation.status == Invalidation.Status.UNDONE
    assert invalidation.restored_count == 8
    assert counter.petition_signature_count(petition=attacked) == before
    assert not Signature.objects.filter(invalidation=invalidation).exists()
    assert Signature.objects.filter(petition=attacked, status="confirmed").count() == before


def test_signatures_arriving_after_the_preview_are_not_touched(
    attacked, django_capture_on_commit_callbacks
):
    criteria = InvalidationCriteria(email_domain="bot.example")
    preview = invalidations.invalidation_preview(petition=attacked, criteria=criteria)
    late = SignatureFactory(petition=attacked, confirmed=True, email_domain="bot.example")
    _preview, invalidation = _invalidate(
        attacked, criteria, django_capture_on_commit_callbacks, preview=preview
    )

    late.refresh_from_db()
    assert preview.count == invalidation.touched_count == 10
    assert late.status == Signature.Status.CONFIRMED


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (InvalidationCriteria(country="KZ"), 3),
        (InvalidationCriteria(referral_code="spam"), 2),
        (InvalidationCriteria(email_domain="BOT.example "), 10),
        (InvalidationCriteria(email_domain="@bot.example"), 10),
        (InvalidationCriteria(ip_hash=BOT_IP, status="pending"), 2),
        (InvalidationCriteria(signed_from=timezone.now() - timedelta(hours=1)), 26),
        (InvalidationCriteria(signed_until=timezone.now() - timedelta(hours=1)), 2),
        (InvalidationCriteria(country="KZ", referral_code="spam"), 1),
    ],
)
def test_criteria_combine(attacked, criteria, expected):
    SignatureFactory(petition=attacked, country="KZ", referral_code="spam")
    SignatureFactory.create_batch(2, petition=attacked, country="KZ")
    SignatureFactory(petition=attacked, referral_code="spam")
    SignatureFactory.create_batch(
        2, petition=attacked, created_at=timezone.now() - timedelta(days=2)
    )

    assert (
        invalidations.invalidation_preview(petition=attacked, criteria=criteria).count == expected
    )


def test_staff_cancel_a_running_invalidation_between_batches_and_can_undo_what_it_did(
    attacked, monkeypatch
):
    _preview, invalidation = _create(attacked, InvalidationCriteria(email_domain="bot.example"))
    record = invalidations._progress_record

    def cancel_after_first_batch(invalidation_id, **counts):
        record(invalidation_id, **counts)
        invalidations.invalidation_cancel(invalidation=invalidation)

    monkeypatch.setattr(invalidations, "_progress_record", cancel_after_first_batch)
    invalidations.invalidation_run(invalidation_id=invalidation.pk, batch_size=3)
    invalidation.refresh_from_db()

    assert invalidation.status == Invalidation.Status.CANCELLED
    assert invalidation.touched_count == 3
    assert invalidations.invalidation_undo(invalidation=invalidation)
    invalidations.invalidation_undo_run(invalidation_id=invalidation.pk)
    assert not Signature.objects.filter(petition=attacked, status="invalidated").exists()


def test_a_job_run_twice_touches_each_signature_once(attacked):
    _preview, invalidation = _create(attacked, InvalidationCriteria(email_domain="bot.example"))

    first = invalidations.invalidation_job_run(invalidation_id=invalidation.pk)
    second = invalidations.invalidation_job_run(invalidation_id=invalidation.pk)

    assert (first, second) == (10, 0)


def test_an_invalidation_and_its_undo_are_entries_of_the_ledger_by_category(
    attacked, django_capture_on_commit_callbacks
):
    import json

    _preview, invalidation = _invalidate(
        attacked, InvalidationCriteria(ip_hash=BOT_IP), django_capture_on_commit_callbacks
    )
    with django_capture_on_commit_callbacks(execute=True):
        invalidations.invalidation_undo(invalidation=invalidation)

    contents = [json.loads(entry.body) for entry in attacked.ledger_entries.all()]
    assert [content["event"] for content in contents] == ["invalidation", "invalidation_undone"]
    assert contents[0]["invalidated_by_reason"] == {"one_source": 10}
    assert contents[0]["invalidation"] == {
        "id": invalidation.pk,
        "signatures": 10,
        "reason": "one_source",
    }
    assert contents[1]["invalidated_total"] == 0
    assert "network" not in attacked.ledger_entries.first().body


def test_a_job_whose_worker_died_is_resumed_by_beat_and_finishes(
    attacked, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    _preview, invalidation = _create(attacked, InvalidationCriteria(email_domain="bot.example"))
    # A worker took it, invalidated nothing yet, and died five minutes ago.
    Invalidation.objects.filter(pk=invalidation.pk).update(
        status=Invalidation.Status.RUNNING,
        progressed_at=timezone.now() - timedelta(minutes=6),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert invalidations.invalidations_resume() == 1
    invalidation.refresh_from_db()

    assert invalidation.status == Invalidation.Status.DONE
    assert invalidation.touched_count == 10


def test_a_signature_page_shows_which_invalidation_took_it_and_why(
    attacked, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

    _preview, invalidation = _invalidate(
        attacked, InvalidationCriteria(ip_hash=BOT_IP), django_capture_on_commit_callbacks
    )
    signature = Signature.objects.filter(invalidation=invalidation).first()
    logged_in_as(client, PETITION_MANAGERS)

    html = client.get(reverse("admin:petitions_signature_change", args=[signature.pk])).content

    assert reverse("admin:petitions_invalidation_change", args=[invalidation.pk]).encode() in html
    assert b"Ten signatures in a minute from one network" in html
    assert b"bot.example" not in html  # a domain beside a first name could name someone


def test_the_invalidation_form_is_the_admin_s_aligned_form_each_label_capitalised(client, petition):
    logged_in_as(client, PETITION_MANAGERS)

    html = client.get(
        reverse("admin:petitions_invalidation_add"), {"petition": petition.pk}
    ).content.decode()

    assert "admin/css/forms.css" in html  # without it the rows stood ragged
    assert re.search(r'<label for="id_ip_hash">Empreinte IP\s:</label>', html)


def test_the_preview_starts_on_the_only_petition_and_names_states_and_browsers_in_french(
    attacked, client
):
    SignatureFactory(petition=attacked, ip_hash=BOT_IP, agent_family="script")
    SignatureFactory(petition=attacked, ip_hash=BOT_IP, confirmed=True, agent_family="none")
    logged_in_as(client, PETITION_MANAGERS)

    form = client.get(reverse("admin:petitions_invalidation_add")).context["form"]
    preview = client.post(
        reverse("admin:petitions_invalidation_add"),
        {"petition": attacked.pk, "ip_hash": BOT_IP, "status": ""},
        headers={"accept-language": "fr"},
    ).content.decode()

    assert form.initial["petition"] == attacked.pk
    sample = preview.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    cells = re.findall(r"<td>([^<]*)</td>", sample)
    assert "Confirmée" in cells and "En attente de confirmation" in cells
    assert not {"confirmed", "pending", "none", "other"} & set(cells)
    assert "script" in cells and "non fourni" in cells


def test_a_signer_set_aside_before_confirming_still_confirms_and_counts_once_undone(
    petition, client, django_capture_on_commit_callbacks
):
    # A whole email domain was invalidated in a bot wave; a real signer there had not confirmed.
    real = SignatureFactory(petition=petition, email_domain="uni.example")
    SignatureFactory.create_batch(3, petition=petition, email_domain="uni.example")
    criteria = InvalidationCriteria(email_domain="uni.example")
    _, invalidation = _invalidate(petition, criteria, django_capture_on_commit_callbacks)
    path = reverse(
        "petitions:confirm", args=[signature_links.confirmation_token_make(signature=real)]
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(path)
    page = client.get(path).content.decode()

    # The click is kept and the page says so, rather than offering the button again.
    assert "Votre signature est confirmée. Notre équipe la vérifie" in page
    assert 'type="submit"' not in page
    real.refresh_from_db()
    assert real.status == Signature.Status.INVALIDATED and real.confirmed_at is not None
    assert counter.petition_signature_count(petition=petition) == 0

    with django_capture_on_commit_callbacks(execute=True):
        invalidations.invalidation_undo(invalidation=invalidation)

    real.refresh_from_db()
    assert real.status == Signature.Status.CONFIRMED
    assert counter.petition_signature_count(petition=petition) == 1  # the others never confirmed


def test_the_progress_page_says_the_criteria_in_french_as_the_form_asked_them(
    attacked, client, django_capture_on_commit_callbacks
):
    criteria = InvalidationCriteria(
        email_domain="bot.example",
        country="FR",
        status=Signature.Status.CONFIRMED,
        signed_from=timezone.make_aware(timezone.datetime(2026, 11, 27, 21, 30)),
    )
    _preview, invalidation = _invalidate(attacked, criteria, django_capture_on_commit_callbacks)
    logged_in_as(client, PETITION_MANAGERS)

    html = client.get(
        reverse("admin:petitions_invalidation_change", args=[invalidation.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()

    criteria_cell = html.split("Critères</th>", 1)[1].split("</td>", 1)[0]
    said = " ".join(criteria_cell.replace("<td>", "").split())
    assert said == (
        "Domaine e-mail : bot.example · Pays : France · "
        "Signées à partir du : 27/11/2026 21:30 · Statut : Confirmée"
    )


@pytest.mark.parametrize(
    ("language", "germany", "first_country"),
    [("en", "Germany", "Afghanistan"), ("fr", "Allemagne", "Afghanistan")],
)
def test_the_countries_of_the_form_are_named_in_the_admins_language(
    petition, client, language, germany, first_country
):
    logged_in_as(client, PETITION_MANAGERS)

    form = client.get(
        reverse("admin:petitions_invalidation_add"), headers={"accept-language": language}
    ).context["form"]

    choices = dict(form.fields["country"].choices)
    assert choices["DE"] == germany
    assert list(choices.values())[1] == first_country


def test_each_preview_is_trailed_as_a_search_without_what_was_searched(attacked, client):
    logged_in_as(client, PETITION_MANAGERS)

    client.post(
        reverse("admin:petitions_invalidation_add"),
        {"petition": attacked.pk, "email_domain": "bot.example", "status": ""},
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCHED_SIGNATURES)
    assert event.row_count == 10  # the bot's eight confirmed and two pending
    assert event.query["criteria"] == ["email_domain"]
    assert "bot.example" not in str(event.query) and "bot.example" not in event.target
