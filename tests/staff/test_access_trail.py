import html
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from staff.access_trail import (
    access_event_record,
    access_events_purge_expired,
    search_fingerprint,
)
from staff.models import AccessEvent
from staff.tasks import access_events_purge_expired as purge_task
from tests.staff_fixtures import login_verified, staff_user_create

pytestmark = pytest.mark.django_db

TRAILED = "/trail-admin/auth/group/"


@pytest.fixture
def uyghur_group(db):
    return Group.objects.create(name="Signers from Ürümqi")


@pytest.mark.urls("tests.staff.trail_urls")
def test_opening_an_objects_page_leaves_a_trail_entry(verified_staff_client, uyghur_group):
    response = verified_staff_client.get(f"{TRAILED}{uyghur_group.pk}/change/")

    assert response.status_code == 200
    event = AccessEvent.objects.get(action=AccessEvent.Action.VIEWED_SIGNATURE)
    assert event.actor_username == "verified-admin"
    assert event.target == f"auth.Group #{uyghur_group.pk}"
    assert event.ip_hmac and "127.0.0.1" not in event.ip_hmac


@pytest.mark.urls("tests.staff.trail_urls")
def test_the_trail_never_copies_what_it_saw(verified_staff_client, uyghur_group):
    verified_staff_client.get(f"{TRAILED}{uyghur_group.pk}/change/")
    verified_staff_client.get(f"{TRAILED}{uyghur_group.pk}/history/")

    for event in AccessEvent.objects.all():
        assert "Ürümqi" not in f"{event.target} {event.query}"


@pytest.mark.urls("tests.staff.trail_urls")
def test_history_and_delete_pages_count_as_views(verified_staff_client, uyghur_group):
    verified_staff_client.get(f"{TRAILED}{uyghur_group.pk}/history/")
    verified_staff_client.get(f"{TRAILED}{uyghur_group.pk}/delete/")

    assert AccessEvent.objects.filter(action=AccessEvent.Action.VIEWED_SIGNATURE).count() == 2


@pytest.mark.urls("tests.staff.trail_urls")
def test_a_search_is_trailed_by_its_fingerprint_and_row_count(verified_staff_client, uyghur_group):
    response = verified_staff_client.get(TRAILED, {"q": "Ürümqi", "o": "1", "p": "1"})

    assert response.status_code == 200
    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCHED_SIGNATURES)
    # Never the words: an auditor who suspects a term checks its fingerprint.
    assert event.query == {
        "search_fingerprint": search_fingerprint(" ürümqi "),
        "search_words": 1,
        "filters": {},
    }
    assert "Ürümqi" not in str(event.query)
    assert event.row_count == 1
    assert event.actor_username == "verified-admin"


@pytest.mark.urls("tests.staff.trail_urls")
def test_a_filtered_list_is_trailed_with_its_filters(verified_staff_client, uyghur_group):
    verified_staff_client.get(TRAILED, {"name": uyghur_group.name})

    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCHED_SIGNATURES)
    assert event.query == {
        "search_fingerprint": "",
        "search_words": 0,
        "filters": {"name": [uyghur_group.name]},
    }


@pytest.mark.urls("tests.staff.trail_urls")
def test_the_bare_list_is_not_a_search(verified_staff_client, uyghur_group):
    verified_staff_client.get(TRAILED)

    assert not AccessEvent.objects.filter(action=AccessEvent.Action.SEARCHED_SIGNATURES).exists()


@pytest.mark.urls("tests.staff.trail_urls")
def test_paging_through_the_bare_list_leaves_an_entry_for_each_page_read(
    verified_staff_client, settings
):
    Group.objects.bulk_create(Group(name=f"Group {number}") for number in range(150))
    on_second_page = Group.objects.count() - 100  # the staff roles' groups are there too

    first = verified_staff_client.get(TRAILED)
    second = verified_staff_client.get(TRAILED, {"p": "2"})

    assert first.status_code == second.status_code == 200
    pages = AccessEvent.objects.filter(action=AccessEvent.Action.LISTED_SIGNATURES).order_by("id")
    assert [(event.query, event.row_count) for event in pages] == [
        ({"page": 1}, 100),
        ({"page": 2}, on_second_page),
    ]
    assert {event.target for event in pages} == {"auth.Group"}
    assert all(event.actor_username == "verified-admin" for event in pages)


@pytest.mark.urls("tests.staff.trail_urls")
def test_an_empty_list_shows_no_one_and_leaves_no_entry(verified_staff_client):
    Group.objects.all().delete()

    response = verified_staff_client.get(TRAILED)

    assert response.status_code == 200
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.LISTED_SIGNATURES).exists()


@pytest.mark.urls("tests.staff.trail_urls")
def test_a_refused_look_leaves_no_view_entry(client, uyghur_group):
    login_verified(client, staff_user_create("no-rights"))

    response = client.get(f"{TRAILED}{uyghur_group.pk}/change/")

    assert response.status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.VIEWED_SIGNATURE).exists()


def test_an_export_is_trailed_by_the_service_exports_call(verified_staff_user):
    access_event_record(
        actor=verified_staff_user,
        action=AccessEvent.Action.EXPORTED_SIGNATURES,
        target="petitions.Petition #1",
        query={"status": "confirmed"},
        row_count=1250,
        ip_hmac="abc",
    )

    event = AccessEvent.objects.get()
    assert (event.action, event.row_count, event.actor) == (
        "exported_signatures",
        1250,
        verified_staff_user,
    )


def test_the_trail_cannot_be_changed_through_the_orm(verified_staff_user):
    access_event_record(actor=verified_staff_user, action=AccessEvent.Action.ERASED_SIGNER)

    with pytest.raises(TypeError):
        AccessEvent.objects.update(actor_username="someone else")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the guard is a PostgreSQL trigger")
def test_the_database_refuses_to_change_or_delete_trail_entries(verified_staff_user):
    event = access_event_record(actor=None, action=AccessEvent.Action.LOGIN_FAILED)

    for statement in (
        "UPDATE staff_accessevent SET actor_username = 'x' WHERE id = %s",
        "DELETE FROM staff_accessevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])

    assert AccessEvent.objects.filter(pk=event.pk, actor_username="").exists()


def test_entries_past_retention_are_purged_and_the_purge_is_trailed(settings):
    settings.ACCESS_TRAIL_RETENTION_DAYS = 30
    AccessEvent.objects.create(
        action=AccessEvent.Action.LOGIN_FAILED, created_at=timezone.now() - timedelta(days=31)
    )
    recent = access_event_record(actor=None, action=AccessEvent.Action.LOGIN_FAILED)

    assert access_events_purge_expired() == 1

    remaining = set(AccessEvent.objects.values_list("action", flat=True))
    assert AccessEvent.objects.filter(pk=recent.pk).exists()
    assert remaining == {"login_failed", "trail_purged"}
    assert AccessEvent.objects.get(action="trail_purged").row_count == 1


def test_the_nightly_task_purges(settings):
    AccessEvent.objects.create(
        action=AccessEvent.Action.LOGIN_FAILED,
        created_at=timezone.now() - timedelta(days=settings.ACCESS_TRAIL_RETENTION_DAYS + 1),
    )

    assert purge_task.delay().get() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["access-events-purge-expired"]
    assert schedule["task"] == purge_task.name


def test_data_officers_read_the_trail_and_no_other_group_can(client):
    officers = Group.objects.get(name="Data officers")
    # Issue 5 gives them signature export and erasure too (petitions 0004_staff_roles).
    assert "view_accessevent" in officers.permissions.values_list("codename", flat=True)
    permission = Permission.objects.get(codename="view_accessevent")
    assert list(permission.group_set.all()) == [officers]
    officer = staff_user_create("officer")
    officer.groups.add(officers)
    access_event_record(actor=officer, action=AccessEvent.Action.EXPORTED_SIGNATURES)
    login_verified(client, officer)

    response = client.get(reverse("admin:staff_accessevent_changelist"))

    assert response.status_code == 200
    assert "exported_signatures" in str(response.context["cl"].result_list[0].action)


def test_the_trail_counts_its_entries_in_french(verified_staff_client):
    for _ in range(2):
        access_event_record(actor=None, action=AccessEvent.Action.LOGIN_FAILED)

    page = verified_staff_client.get(
        reverse("admin:staff_accessevent_changelist"), headers={"accept-language": "fr"}
    ).content.decode()

    paginator = " ".join(page.split('<p class="paginator">')[1].split("</p>")[0].split())
    assert paginator == "2 entrées"  # not "2 journal des accès"


def test_staff_outside_data_officers_cannot_read_the_trail(client):
    login_verified(client, staff_user_create("editor"))

    assert client.get(reverse("admin:staff_accessevent_changelist")).status_code == 403


def test_not_even_a_superuser_can_add_change_or_delete_entries(verified_staff_client):
    event = access_event_record(actor=None, action=AccessEvent.Action.LOGIN_FAILED)
    change_url = reverse("admin:staff_accessevent_change", args=[event.pk])

    assert verified_staff_client.get(reverse("admin:staff_accessevent_add")).status_code == 403
    assert verified_staff_client.get(change_url).status_code == 200
    verified_staff_client.post(change_url, {"actor_username": "forged"})
    delete_url = reverse("admin:staff_accessevent_delete", args=[event.pk])
    assert verified_staff_client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.actor_username == ""
    changelist = verified_staff_client.get(reverse("admin:staff_accessevent_changelist"))
    assert changelist.context["action_form"] is None  # no bulk delete either


def test_an_entry_s_page_is_titled_with_the_local_time_and_the_action_in_french(
    verified_staff_client, verified_staff_user
):
    from datetime import UTC, datetime

    entry = AccessEvent.objects.create(
        actor=verified_staff_user,
        actor_username="camille",
        action=AccessEvent.Action.LOGGED_IN,
        created_at=datetime(2026, 11, 27, 20, 58, tzinfo=UTC),  # 21:58 in Paris
    )

    page = verified_staff_client.get(
        reverse("admin:staff_accessevent_change", args=[entry.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()

    title = html.unescape(page.split("<title>")[1].split(" | ")[0]).strip()
    assert title == "27/11/2026 21:58 · camille · s'est connecté en deux étapes"  # not "logged_in"


@pytest.mark.parametrize(
    ("language", "grouped"), [("fr", "50\N{NO-BREAK SPACE}016"), ("en", "50,016")]
)
def test_a_data_officer_reads_an_export_s_row_count_grouped_in_their_language(
    verified_staff_client, language, grouped
):
    entry = access_event_record(
        actor=None, action=AccessEvent.Action.EXPORTED_SIGNATURES, row_count=50016
    )
    headers = {"accept-language": language}

    listed = verified_staff_client.get(
        reverse("admin:staff_accessevent_changelist"), headers=headers
    ).content.decode()
    shown = verified_staff_client.get(
        reverse("admin:staff_accessevent_change", args=[entry.pk]), headers=headers
    ).content.decode()

    assert f'<td class="field-rows">{grouped}</td>' in listed
    assert f'<div class="readonly">{grouped}</div>' in shown
    assert "50016" not in listed + shown
    entry.refresh_from_db()
    assert entry.row_count == 50016  # kept as a number, worded only when shown
