"""Staff cannot save a schedule that breaks the delivery check, nor date a reply impossibly."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from deliveries import batches, selectors, sending
from deliveries.models import DeliveryReply, DeliverySchedule
from tests.admin_forms import admin_change_form_data
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create
from tests.staff_fixtures import login_verified, staff_user_create
from tests.test_default_path import ROOT, pytest_on_make_runs_defaults

LESS_OR_EQUAL = "Assurez-vous que cette valeur est inférieure ou égale à {}."
GREATER_OR_EQUAL = "Assurez-vous que cette valeur est supérieure ou égale à {}."


def _schedule_change_post(client, schedule, **changes):
    url = reverse("admin:deliveries_deliveryschedule_change", args=[schedule.pk])
    form_page = client.get(url, headers={"accept-language": "fr"})
    return client.post(
        url, admin_change_form_data(form_page, **changes), headers={"accept-language": "fr"}
    )


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("every_days", "367", LESS_OR_EQUAL.format(366)),
        ("every_days", "99999999999", LESS_OR_EQUAL.format(366)),
        ("every_days", "0", GREATER_OR_EQUAL.format(1)),
        ("every_days", "-5", GREATER_OR_EQUAL.format(1)),
        ("threshold", "10000001", LESS_OR_EQUAL.format(10_000_000)),
        ("threshold", "99999999999", LESS_OR_EQUAL.format(10_000_000)),
        ("threshold", "0", GREATER_OR_EQUAL.format(1)),
        ("threshold", "-5", GREATER_OR_EQUAL.format(1)),
        ("keep_files_days", "367", LESS_OR_EQUAL.format(366)),
        ("keep_files_days", "99999999999", LESS_OR_EQUAL.format(366)),
    ],
)
def test_an_out_of_range_schedule_number_is_refused_in_french_and_nothing_is_saved(
    verified_staff_client, petition, field, typed, message
):
    schedule = DeliveryScheduleFactory(
        petition=petition, every_days=30, threshold=1000, keep_files_days=30
    )

    response = _schedule_change_post(verified_staff_client, schedule, **{field: typed})

    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert escape(message) in page
    assert "delivery_schedule_" not in page  # never the constraint's internal name
    assert response.context["adminform"].form[field].value() == typed  # kept as typed
    schedule.refresh_from_db()
    assert (schedule.every_days, schedule.threshold, schedule.keep_files_days) == (30, 1000, 30)


def test_the_schedule_form_tells_the_browser_its_bounds(verified_staff_client, petition):
    schedule = DeliveryScheduleFactory(petition=petition)

    form_page = verified_staff_client.get(
        reverse("admin:deliveries_deliveryschedule_change", args=[schedule.pk])
    )

    form = form_page.context["adminform"].form
    bounds = {
        name: (form.fields[name].widget.attrs.get("min"), form.fields[name].widget.attrs.get("max"))
        for name in ["every_days", "threshold", "keep_files_days"]
    }
    assert bounds == {
        "every_days": (1, 366),
        "threshold": (1, 10_000_000),
        "keep_files_days": (0, 366),
    }


def test_the_largest_numbers_the_schedule_allows_are_saved_and_the_check_runs_with_them(
    verified_staff_client, petition
):
    schedule = DeliveryScheduleFactory(petition=petition, every_days=30, threshold=None)
    confirmed_signatures_create(petition, 2)

    response = _schedule_change_post(
        verified_staff_client,
        schedule,
        every_days="366",
        threshold="10000000",
        keep_files_days="366",
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    schedule.refresh_from_db()
    assert (schedule.every_days, schedule.threshold, schedule.keep_files_days) == (
        366,
        10_000_000,
        366,
    )
    assert selectors.deliveries_due(now=schedule.created_at + datetime.timedelta(days=365)) == []
    assert len(selectors.deliveries_due(now=schedule.created_at + datetime.timedelta(days=366)))


def test_a_zero_written_past_the_form_is_refused_in_a_sentence_not_the_constraint_name(petition):
    with pytest.raises(ValidationError) as refused:
        DeliverySchedule(petition=petition, every_days=0).validate_constraints()
    assert refused.value.messages == [
        "L'intervalle doit être d'au moins 1 jour\u00a0; laissez «\u00a0intervalle "
        "(jours)\u00a0» vide pour ne jamais remettre."
    ]

    with pytest.raises(ValidationError) as refused:
        DeliverySchedule(petition=petition, threshold=0).validate_constraints()
    assert refused.value.messages == [
        "Le seuil doit être d'au moins 1 signature\u00a0; laissez «\u00a0seuil "
        "(signatures)\u00a0» vide pour ne jamais remettre."
    ]


def test_on_make_runs_sqlite_a_day_count_past_timedelta_never_reaches_the_delivery_check():
    """SQLite checks no integer's size: this is where 99999999999 was saved, then crashed
    `deliveries_due` with OverflowError. The suite's PostgreSQL refuses it by itself, so the
    story runs in a pytest of its own on `make run`'s defaults (tests/test_default_path.py)."""
    result = pytest_on_make_runs_defaults(
        "-o", "python_functions=on_sqlite_*", str(Path(__file__).relative_to(ROOT))
    )

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "\n3 passed" in result.stdout, result.stdout[-2000:]


@pytest.mark.parametrize("field", ["every_days", "threshold", "keep_files_days"])
def on_sqlite_a_number_pasted_past_the_browser_s_bounds_is_refused(client, petition, field):
    """Run only by the test above, under tests/default_path/settings.py."""
    assert connection.vendor == "sqlite"
    login_verified(client, staff_user_create("sqlite-admin", is_superuser=True))
    schedule = DeliveryScheduleFactory(petition=petition, every_days=30, threshold=None)
    confirmed_signatures_create(petition, 2)

    response = _schedule_change_post(client, schedule, **{field: "99999999999"})
    # What beat runs every 15 minutes: it raised OverflowError for every petition.
    due = selectors.deliveries_due(now=schedule.created_at + datetime.timedelta(days=30))

    assert response.status_code == 200
    assert len(due) == 2
    schedule.refresh_from_db()
    assert (schedule.every_days, schedule.threshold, schedule.keep_files_days) == (30, None, 30)


@pytest.fixture
def sent_delivery(petition, embassy):
    """The petition, delivered to the embassy ten days ago at 23:30 UTC: the next day in Paris."""
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)
    ten_days_ago = timezone.now().date() - datetime.timedelta(days=10)
    sent_at = datetime.datetime.combine(ten_days_ago, datetime.time(23, 30), tzinfo=datetime.UTC)
    type(delivery).objects.filter(pk=delivery.pk).update(sent_at=sent_at)
    delivery.refresh_from_db()
    return delivery


def _reply_add_post(client, delivery, received_on: str):
    return client.post(
        reverse("admin:deliveries_deliveryreply_add"),
        {
            "delivery": delivery.pk,
            "kind": "reply",
            "received_on": received_on,
            "summary_fr": "L'ambassade accuse réception.",
            "summary_en": "The embassy acknowledges receipt.",
        },
        headers={"accept-language": "fr"},
    )


def test_a_reply_dated_after_today_is_refused_and_what_staff_typed_stays(
    verified_staff_client, sent_delivery
):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    for typed in ["2099-01-01", tomorrow.isoformat()]:
        response = _reply_add_post(verified_staff_client, sent_delivery, typed)

        assert response.status_code == 200
        form = response.context["adminform"].form
        assert form.errors["received_on"] == [
            f"La date d'une réponse ne peut pas dépasser aujourd'hui ({date_format(today)})"
            "\u00a0: vérifiez le jour où elle est arrivée."
        ]
        assert form["received_on"].value() == typed
        assert form["summary_fr"].value() == "L'ambassade accuse réception."
    assert not DeliveryReply.objects.exists()


def test_a_reply_dated_before_its_delivery_was_sent_in_paris_is_refused(
    verified_staff_client, sent_delivery
):
    # Sent at 23:30 UTC: already the next day in Paris, the day the page shows.
    utc_day = sent_delivery.sent_at.astimezone(datetime.UTC).date()
    paris_day = timezone.localdate(sent_delivery.sent_at)
    assert paris_day == utc_day + datetime.timedelta(days=1)

    response = _reply_add_post(verified_staff_client, sent_delivery, utc_day.isoformat())

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["received_on"] == [
        "La date d'une réponse ne peut pas précéder la remise à laquelle elle répond, envoyée "
        f"le {date_format(paris_day)}\u00a0: vérifiez le jour où elle est arrivée, ou la remise."
    ]
    assert form["received_on"].value() == utc_day.isoformat()
    assert not DeliveryReply.objects.exists()


@pytest.mark.parametrize("day", ["sent", "today"])
def test_a_reply_dated_from_its_delivery_s_day_to_today_is_recorded(
    verified_staff_client, sent_delivery, day
):
    received_on = (
        timezone.localdate(sent_delivery.sent_at) if day == "sent" else timezone.localdate()
    )

    response = _reply_add_post(verified_staff_client, sent_delivery, received_on.isoformat())

    assert response.status_code == 302, response.content.decode()[:3000]
    assert DeliveryReply.objects.get().received_on == received_on


def test_a_no_reply_needs_no_date_and_is_recorded(verified_staff_client, sent_delivery):
    response = verified_staff_client.post(
        reverse("admin:deliveries_deliveryreply_add"),
        {
            "delivery": sent_delivery.pk,
            "kind": "no_reply",
            "received_on": "2099-01-01",
            "days_without_reply": "30",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert DeliveryReply.objects.get().received_on is None


def test_no_writer_stores_a_day_count_that_would_stop_every_scheduled_delivery(petition):
    # The shell or a command writes past the admin's form: the database refuses it too.
    schedule = DeliverySchedule.objects.create(petition=petition, every_days=30)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeliverySchedule.objects.filter(pk=schedule.pk).update(every_days=20_000)

    schedule.refresh_from_db()
    assert schedule.every_days == 30
