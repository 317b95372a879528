"""`manage.py deliver_signatures` and `build_delivery`, as staff and the benchmark run them."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from deliveries.models import Delivery
from petitions.models import Target
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create


def command(*args) -> str:
    """Run a command as an English-speaking operator would, and return what it printed."""
    out = StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_without_yes_the_command_previews_each_target_and_sends_nothing(
    petition, embassy, ministry, mailoutbox
):
    confirmed_signatures_create(petition, 9)

    out = command("deliver_signatures", "--petition", petition.slug)

    assert (
        f"liberez-mamat → {embassy} <embassy@embassy.test>: would deliver 9 new signatures, "
        "3 of them named." in out
    )
    assert f"liberez-mamat → {ministry} <ministry@ministry.test>: would deliver 9" in out
    assert "Run again with --yes to deliver." in out
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_staff_preview_over_a_thousand_signatures_grouped_in_french(petition, embassy):
    confirmed_signatures_create(petition, 1001)
    printed = StringIO()

    with translation.override("fr"):
        call_command("deliver_signatures", "--petition", petition.slug, stdout=printed)

    assert (
        f"liberez-mamat → {embassy} <embassy@embassy.test>\N{NO-BREAK SPACE}: remettrait "
        "1\N{NO-BREAK SPACE}001 nouvelles signatures, dont 334 nominatives." in printed.getvalue()
    )
    assert "Rien n'a été envoyé." in printed.getvalue()


def test_build_delivery_tells_staff_in_french_that_nothing_new_waits(petition, embassy):
    printed = StringIO()

    with translation.override("fr"):
        call_command("build_delivery", "--petition", petition.slug, stdout=printed)

    assert f"{embassy}\N{NO-BREAK SPACE}: aucune nouvelle signature.\n" in printed.getvalue()


def test_the_command_refuses_a_placeholder_address_even_with_yes(petition, embassy, mailoutbox):
    Target.objects.filter(pk=embassy.pk).update(email="embassy@example.invalid")
    confirmed_signatures_create(petition, 2)

    out = command("deliver_signatures", "--petition", petition.slug, "--yes")

    assert f"liberez-mamat → {embassy}: refused. embassy@example.invalid is a placeholder" in out
    assert not Delivery.objects.filter(target=embassy).exists()


def test_building_for_a_placeholder_address_says_why_and_builds_the_others(
    petition, embassy, ministry
):
    Target.objects.filter(pk=embassy.pk).update(email="embassy@example.invalid")
    confirmed_signatures_create(petition, 2)

    with pytest.raises(CommandError, match=r"embassy@example\.invalid is a placeholder"):
        command("build_delivery", "--petition", petition.slug)

    assert not Delivery.objects.filter(target=embassy).exists()
    assert Delivery.objects.filter(target=ministry).exists()


def test_delivering_a_petition_now_sends_to_each_target(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 4)

    with django_capture_on_commit_callbacks(execute=True):
        out = command("deliver_signatures", "--petition", petition.slug, "--yes")

    assert f"liberez-mamat → {embassy}: delivery" in out
    assert "4 new signatures, 2 of them named" in out
    assert len(mailoutbox) == 2
    assert "no new signature" in command("deliver_signatures", "--petition", petition.slug, "--yes")


def test_without_a_petition_the_command_delivers_what_is_due(
    petition, django_capture_on_commit_callbacks
):
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=3)
    confirmed_signatures_create(petition, 2)
    assert "Nothing is due." in command("deliver_signatures", "--yes")

    confirmed_signatures_create(petition, 1)
    with django_capture_on_commit_callbacks(execute=True):
        command("deliver_signatures", "--yes")

    assert Delivery.objects.sent().count() == 2


def test_an_unknown_petition_is_an_error(db):
    with pytest.raises(CommandError):
        command("deliver_signatures", "--petition", "nope")


def test_build_delivery_writes_the_files_and_leaves_sending_to_the_next_run(
    petition, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 5)

    with django_capture_on_commit_callbacks(execute=True):
        out = command("build_delivery", "--petition", petition.slug)

    assert out.count("signatures=5 named=2") == 2
    assert "peak_rss_mib=" in out
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.READY}
    assert mailoutbox == []
