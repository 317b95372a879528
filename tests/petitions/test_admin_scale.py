"""The signature list stays fast at a million rows, and staff review signatures with a reason."""

import json

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions import invalidations, selectors
from petitions.admin import signatures as signature_admin
from petitions.invalidations import InvalidationCriteria
from petitions.models import Invalidation, LedgerEntry, Signature
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as
from tests.query_plans import query_plan

pytestmark = pytest.mark.django_db
CHANGELIST_URL = reverse("admin:petitions_signature_changelist")


@pytest.fixture
def manager_client(client):
    logged_in_as(client, PETITION_MANAGERS)
    return client


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Apply a bulk action from the list, with a reason, running what waits for the commit."""

    def act(client, action: str, signatures, reason: str):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                CHANGELIST_URL,
                {
                    "action": action,
                    "_selected_action": [signature.pk for signature in signatures],
                    "reason": reason,
                },
            )

    return act


def _signature_counts(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if "COUNT(" in query["sql"].upper() and "petitions_signature" in query["sql"]
    ]


def test_the_unfiltered_list_shows_an_estimated_total_and_never_counts_every_row(
    manager_client, monkeypatch
):
    SignatureFactory.create_batch(3)
    monkeypatch.setattr(selectors, "signatures_estimated_count", lambda: 1_234_567)

    with CaptureQueriesContext(connection) as queries:
        response = manager_client.get(CHANGELIST_URL)

    assert response.context["cl"].result_count == 1_234_567
    assert not response.context["cl"].show_full_result_count
    assert _signature_counts(queries.captured_queries) == []


def test_the_estimate_comes_from_postgresqls_statistics():
    SignatureFactory.create_batch(12)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE petitions_signature")

    assert selectors.signatures_estimated_count() == 12


def test_a_small_or_filtered_list_is_counted_exactly(manager_client):
    petition = PetitionFactory()
    SignatureFactory.create_batch(2, petition=petition)
    SignatureFactory()

    response = manager_client.get(CHANGELIST_URL, {"petition__id__exact": petition.pk})

    assert response.context["cl"].result_count == 2
    assert signature_admin.ESTIMATE_FROM_ROWS > 2


def test_search_finds_a_signer_by_their_address_as_the_signature_form_reads_it(officer_client):
    address = "aynurtursun@gmail.com"
    aynur = SignatureFactory(email=address)
    SignatureFactory(email="other@gmail.com")

    response = officer_client.get(CHANGELIST_URL, {"q": " Aynur.Tursun+petition@Gmail.com "})
    partial = officer_client.get(CHANGELIST_URL, {"q": "tursun@gmail"})

    assert list(response.context["cl"].result_list) == [aynur]
    # A piece of an address is not an address: no row scan hunting for it.
    assert list(partial.context["cl"].result_list) == []


def test_search_finds_signers_by_the_start_of_their_names_in_any_order(officer_client):
    aynur = SignatureFactory(first_name="Aynur", last_name="Tursun")
    SignatureFactory(first_name="Tursun", last_name="Dupont")
    SignatureFactory(first_name="Camille", last_name="Martin")

    by_last = officer_client.get(CHANGELIST_URL, {"q": "turs"})
    both = officer_client.get(CHANGELIST_URL, {"q": "tursun ayn"})

    assert {s.first_name for s in by_last.context["cl"].result_list} == {"Aynur", "Tursun"}
    assert list(both.context["cl"].result_list) == [aynur]


@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("someone@example.org", "signature_mailbox"),
        ("Tursun", "signature_last_name_prefix"),
    ],
)
def test_each_search_is_served_by_an_index(rf, admin_user, term, index):
    from django.contrib import admin

    model_admin = admin.site._registry[Signature]
    request = rf.get(CHANGELIST_URL)
    request.user = admin_user

    found, _may_have_duplicates = model_admin.get_search_results(
        request, Signature.objects.all(), term
    )

    # The page's count of matches (the page itself may walk the newest rows instead, which
    # at a million rows the planner prefers for a common name: both take milliseconds).
    assert index in query_plan(found.order_by())


def test_the_lists_order_can_be_walked_on_an_index_all_petitions_or_one(db):
    # Which plan a handful of test rows gets says nothing about a million; the indexes do.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'petitions_signature'"
        )
        definitions = dict(cursor.fetchall())

    assert "(created_at DESC, id)" in definitions["signature_latest"]
    assert "(petition_id, created_at DESC, id)" in definitions["signature_petition_latest"]


def test_the_list_filters_by_petition_status_country_date_and_naming(manager_client):
    petition = PetitionFactory()
    wanted = SignatureFactory(
        petition=petition, confirmed=True, country="KZ", name_in_delivery=True
    )
    SignatureFactory(petition=petition, confirmed=True, country="FR", name_in_delivery=True)
    SignatureFactory(petition=petition, country="KZ", name_in_delivery=True)
    SignatureFactory(confirmed=True, country="KZ", name_in_delivery=True)

    response = manager_client.get(
        CHANGELIST_URL,
        {
            "petition__id__exact": petition.pk,
            "status__exact": "confirmed",
            "country__exact": "KZ",
            "name_in_delivery__exact": "1",
            # As the list's "Date" filter writes it: the start of a day, with its offset.
            "created_at__gte": str(wanted.created_at.replace(hour=0, minute=0, second=0)),
        },
    )

    assert list(response.context["cl"].result_list) == [wanted]
    filter_titles = {str(spec.title) for spec in response.context["cl"].filter_specs}
    assert len(filter_titles) >= 5


def test_staff_flag_signatures_with_a_reason_and_the_count_follows(manager_client, petition, act):
    signatures = SignatureFactory.create_batch(3, petition=petition, confirmed=True)

    act(manager_client, "flag", signatures[:2], "Same IP fingerprint, 40 in a minute")

    petition.refresh_from_db()
    assert petition.confirmed_count == 1
    flagged = Signature.objects.get(pk=signatures[0].pk)
    assert flagged.status == Signature.Status.FLAGGED
    assert flagged.status_reason == "Same IP fingerprint, 40 in a minute"
    assert flagged.status_changed_at is not None


def test_staff_confirm_flagged_signatures_with_a_reason_and_the_count_follows(
    manager_client, petition, act
):
    flagged = SignatureFactory.create_batch(
        2, petition=petition, confirmed=True, status=Signature.Status.FLAGGED
    )

    act(manager_client, "approve", flagged, "Checked: a school signing together")

    petition.refresh_from_db()
    assert petition.confirmed_count == 2
    assert set(Signature.objects.values_list("status_reason", flat=True)) == {
        "Checked: a school signing together"
    }


def test_staff_invalidate_signatures_with_a_reason_and_the_count_follows(
    manager_client, petition, act
):
    signatures = SignatureFactory.create_batch(2, petition=petition, confirmed=True)

    act(manager_client, "invalidate", signatures[:1], "Fake name")

    petition.refresh_from_db()
    assert petition.confirmed_count == 1
    assert Signature.objects.get(pk=signatures[0].pk).status_reason == "Fake name"


def test_invalidating_without_a_reason_is_refused_and_changes_nothing(
    manager_client, petition, act
):
    signature = SignatureFactory(petition=petition, confirmed=True)

    response = act(manager_client, "invalidate", [signature], "  ")

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Rien n'a été invalidé\N{NO-BREAK SPACE}: dites pourquoi dans «\N{NO-BREAK SPACE}Motif"
        "\N{NO-BREAK SPACE}», à côté de l'action. Il est conservé avec chaque signature."
    ]
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_a_signature_invalidated_by_mistake_is_reviewed_again_then_counted(
    manager_client, petition, act
):
    signature = SignatureFactory(petition=petition, confirmed=True)
    act(manager_client, "invalidate", [signature], "Looked fake")

    act(manager_client, "review_again", [signature], "Her name is real: she wrote to us")

    signature.refresh_from_db()
    assert signature.status == Signature.Status.FLAGGED
    assert signature.status_reason == "Her name is real: she wrote to us"
    undone = petition.ledger_entries.order_by("sequence").last()
    assert undone.event == LedgerEntry.Event.INVALIDATION_UNDONE
    assert json.loads(undone.body)["invalidated_by_reason"] == {}
    act(manager_client, "approve", [signature], "Checked")
    petition.refresh_from_db()
    assert petition.confirmed_count == 1


def test_reviewing_again_leaves_an_invalidation_by_criteria_to_its_undo(
    manager_client, petition, act, django_capture_on_commit_callbacks
):
    taken = SignatureFactory(petition=petition, confirmed=True, email_domain="bot.example")
    criteria = InvalidationCriteria(email_domain="bot.example")
    with django_capture_on_commit_callbacks(execute=True):
        invalidations.invalidation_create(
            petition=petition,
            criteria=criteria,
            reason_category=Invalidation.Reason.AUTOMATED,
            reason="Signed by a script",
            preview=invalidations.invalidation_preview(petition=petition, criteria=criteria),
        )
    assert Signature.objects.get(pk=taken.pk).status == Signature.Status.INVALIDATED

    response = act(manager_client, "review_again", [taken], "")

    assert Signature.objects.get(pk=taken.pk).status == Signature.Status.INVALIDATED
    assert [str(message) for message in get_messages(response.wsgi_request)][-1] == (
        "1 a été invalidée par critères\N{NO-BREAK SPACE}: annulez cette invalidation depuis "
        "sa page."
    )


def test_data_officers_read_signatures_but_cannot_change_their_status(client, act):
    logged_in_as(client, DATA_OFFICERS)
    signature = SignatureFactory(confirmed=True)

    response = client.get(CHANGELIST_URL)
    act(client, "invalidate", [signature], "no right to")

    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_the_country_filter_is_one_drop_down_that_keeps_the_other_filters(
    verified_staff_client,
):
    from django.urls import reverse

    from tests.factories import SignatureFactory

    SignatureFactory(country="FR", confirmed=True, first_name="Aynur")
    SignatureFactory(country="TR", confirmed=True, first_name="Mehmet")
    url = reverse("admin:petitions_signature_changelist")

    page = verified_staff_client.get(url, {"status__exact": "confirmed"}).content.decode()
    filtered = verified_staff_client.get(url, {"status__exact": "confirmed", "country": "TR"})

    assert page.count('<select name="country"') == 1
    assert page.count("?country=") == 0  # no link per country
    assert '<input type="hidden" name="status__exact" value="confirmed">' in page
    names = [row.first_name for row in filtered.context["cl"].result_list]
    assert names == ["Mehmet"]


def test_signatures_have_no_bulk_delete_beside_erasure(verified_staff_client):
    from django.urls import reverse

    response = verified_staff_client.get(reverse("admin:petitions_signature_changelist"))

    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "delete_selected" not in actions
