"""A supporter signs and confirms, a data officer exports, staff deliver: on `make run`'s defaults.

Run by tests/test_default_path.py under tests/default_path/settings.py (SQLite, DEBUG on, so
that every query goes through Django's debug cursor), never directly by `make test`.
"""

import http.cookiejar
import io
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from io import StringIO
from logging import ERROR, WARNING

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from deliveries.models import Delivery
from petitions.models import Signature, SignatureExport, WithdrawalLinkRequest
from staff.models import AccessEvent
from tests.deliveries.factories import address_approved
from tests.petitions.factories_staff import (
    DATA_OFFICERS,
    PETITION_MANAGERS,
    csv_rows,
    logged_in_as,
)
from tests.staff_fixtures import login_verified
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db

SUPPORTERS = [("Aynur", "aynur@example.org", True), ("Ilham", "ilham@example.org", False)]
EXPORT_URL = "/admin/petitions/signature/export/"


def test_these_are_make_runs_defaults():
    assert settings.DEBUG
    assert connection.vendor == "sqlite"
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert connection.queries_logged  # every query goes through the debug cursor


@pytest.fixture
def signed_and_confirmed(client, mamat_campaign, mailoutbox, django_capture_on_commit_callbacks):
    petition = mamat_campaign.petitions.get()
    for first_name, email, named in SUPPORTERS:
        values = {"first_name": first_name, "last_name": "Tursun", "email": email, "country": "FR"}
        if named:
            values.update(show_first_name="on", name_in_delivery="on", newsletter_opt_in="on")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("petitions:sign", args=[petition.slug]), values)
        assert response.status_code == 302
        link = re.search(r"http://testserver(\S*/petition/confirm/\S+/)", mailoutbox[-1].body)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(link.group(1)).status_code == 302
    return petition


def test_supporters_sign_and_confirm_and_the_count_shows_them(client, signed_and_confirmed, caplog):
    petition = signed_and_confirmed

    assert Signature.objects.confirmed().filter(petition=petition).count() == len(SUPPORTERS)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert re.search(r"data-count-number>\s*2\s*<", html)
    # Nothing went wrong, so the console says nothing is wrong.
    warned = [record for record in caplog.get_records("setup") if record.levelno >= WARNING]
    assert [record.getMessage() for record in warned] == []


def test_a_supporter_who_signs_again_is_counted_once_and_emailed_while_pending(
    client, mamat_campaign, mailoutbox, django_capture_on_commit_callbacks
):
    petition = mamat_campaign.petitions.get()
    values = {"first_name": "Aynur", "last_name": "Tursun", "email": "aynur@example.org"}

    def sign() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("petitions:sign", args=[petition.slug]), values | {"country": "FR"}
            )
        assert response.status_code == 302

    sign()
    sign()  # the button pressed twice: one email
    assert len(mailoutbox) == 1
    # A minute on, no email in sight, the supporter signs again and is sent it again.
    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(seconds=61))
    sign()

    assert Signature.objects.filter(petition=petition).count() == 1
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]] * 2


@pytest.mark.django_db(transaction=True)  # as under `make run`: the request's row commits at once
def test_a_signer_asks_for_a_new_withdrawal_link_and_it_comes_at_once_in_process(
    client, signed_and_confirmed, mailoutbox, caplog
):
    mailoutbox.clear()
    form = reverse("petitions:withdrawal_links")

    for email in ("aynur@example.org", "stranger@example.org"):
        assert client.post(form, {"email": email})["Location"] == "/petition/withdrawal-link/sent/"

    # Without a broker the task ran in the request, on SQLite: one email, to the signer only,
    # and no request is left waiting.
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    assert not WithdrawalLinkRequest.objects.exists()
    assert "/petition/withdraw/" in mailoutbox[0].body
    assert not [record for record in caplog.records if record.levelno >= WARNING]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_data_officer_exports_one_petition_and_the_trail_says_what_was_written(
    client, signed_and_confirmed, file_format
):
    logged_in_as(client, DATA_OFFICERS)

    response = client.post(EXPORT_URL, {"petition": signed_and_confirmed.pk, "format": file_format})

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        body = csv_rows(content)[1:]
        moments = [cell for row in body for cell in row[6:8]]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        body = [
            [cell or "" for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
        # Dates that a spreadsheet sorts as dates, not text.
        assert all(isinstance(cell, datetime) for row in body for cell in row[6:8])
        moments = [cell.strftime("%Y-%m-%d %H:%M:%S") for row in body for cell in row[6:8]]
    text = "\n".join(",".join(str(cell) for cell in row) for row in body)
    # Each row holds when it was signed and confirmed, as the database wrote them in UTC.
    moment = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    assert len([cell for cell in moments if moment.fullmatch(cell)]) == 2 * len(SUPPORTERS)
    assert text.count("Tursun") == 1  # only the named signer's last name stays readable
    trailed = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert trailed.row_count == len(SUPPORTERS)


def test_a_data_officer_who_types_the_dates_the_wrong_way_round_is_told_and_gets_no_empty_file(
    client, signed_and_confirmed
):
    logged_in_as(client, DATA_OFFICERS)
    today = timezone.localdate()
    typed = {"signed_from": today, "signed_until": today - timedelta(days=30)}

    page = client.post(EXPORT_URL, {"petition": signed_and_confirmed.pk, "format": "csv", **typed})

    # The form comes back with both dates as typed and says what is wrong, in French.
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert "Ce jour est avant «\u00a0Signées à partir du\u00a0»" in html
    for day in typed.values():
        assert f'value="{day.isoformat()}"' in html
    # No file of nobody went out, so the trail records no export.
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


@pytest.mark.django_db(transaction=True)  # as under `make run`: each write commits at once
def test_a_large_export_is_ready_when_the_page_comes_back_and_the_page_says_so(
    client, signed_and_confirmed, settings
):
    settings.EXPORT_ASYNC_THRESHOLD = 1  # more rows than this are prepared "in the background"
    logged_in_as(client, DATA_OFFICERS)

    page = client.post(
        EXPORT_URL, {"petition": signed_and_confirmed.pk, "format": "csv"}, follow=True
    )

    export = SignatureExport.objects.get()
    assert export.status == SignatureExport.Status.READY
    # Tasks ran in-process: the file is listed with its link, and no one is told to wait for it.
    html = page.content.decode()
    assert "2 signatures\u00a0: le fichier est prêt." in html
    assert "en préparation" not in html


@pytest.mark.django_db(transaction=True)  # as under `make run`: each write commits at once
def test_the_schedule_make_run_starts_deletes_an_expired_export_s_file(
    client, signed_and_confirmed, settings, caplog
):
    """No Celery beat runs under `make run`: `schedule_run`, started beside runserver, runs
    every periodic task here, and an export of signers' names does not outlive its link."""
    settings.EXPORT_ASYNC_THRESHOLD = 1
    logged_in_as(client, DATA_OFFICERS)
    client.post(EXPORT_URL, {"petition": signed_and_confirmed.pk, "format": "csv"})
    export = SignatureExport.objects.get(status=SignatureExport.Status.READY)
    path = export.file.path
    assert os.path.exists(path)
    SignatureExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())

    caplog.clear()
    call_command("schedule_run", "--once")

    export.refresh_from_db()
    assert export.status == SignatureExport.Status.EXPIRED
    assert not os.path.exists(path)
    # Every periodic task of the site ran on SQLite, without Redis, and none failed.
    assert not [record for record in caplog.records if record.levelno >= ERROR]


def test_staff_find_a_signer_whose_name_starts_with_an_accent_typed_in_lower_case(
    client, mamat_campaign, django_capture_on_commit_callbacks
):
    petition = mamat_campaign.petitions.get()
    values = {"first_name": "Émilie", "last_name": "Özil", "email": "emilie@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("petitions:sign", args=[petition.slug]),
            {**values, "country": "FR", "show_first_name": "on", "name_in_delivery": "on"},
        )
    logged_in_as(client, PETITION_MANAGERS)
    signatures = reverse("admin:petitions_signature_changelist")

    # As on PostgreSQL, the case of an accented letter does not hide anyone.
    assert "Émilie" in client.get(signatures, {"q": "émilie"}).content.decode()
    assert "Émilie" in client.get(signatures, {"q": "ÉMI"}).content.decode()
    assert "Émilie" not in client.get(signatures, {"q": "emilie"}).content.decode()


def test_staff_deliver_the_petition_with_the_named_signer_only(
    signed_and_confirmed, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    for target in signed_and_confirmed.targets.all():  # the loaded campaign's is a placeholder
        target.email = f"target-{target.pk}@embassy.test"
        target.save()
        address_approved(target)

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "deliver_signatures",
            "--petition",
            signed_and_confirmed.slug,
            "--yes",
            stdout=StringIO(),
        )

    delivery = Delivery.objects.sent().get()
    assert (delivery.total_count, delivery.named_count) == (2, 1)
    # The embassy gets the delivery; Aynur, who asked for news, is told it went.
    targets = [target.email for target in signed_and_confirmed.targets.all()]
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [*targets, "aynur@example.org"]
    )
    named = delivery.signatures_csv.open("rb").read().decode("utf-8-sig")
    assert "Aynur" in named and "Ilham" not in named


@pytest.mark.django_db(transaction=True)  # as under `make run`: each write commits at once
def test_a_name_hidden_before_a_delivery_goes_is_out_of_its_list_when_the_page_says_so(
    client, signed_and_confirmed
):
    """Built with `manage.py build_delivery`, a delivery waits for the next run; a petition
    manager then hides a name it carries. With no worker, the list is written again in the
    request: the page says it was, not that it is being written in the background."""
    petition = signed_and_confirmed
    target = petition.targets.get()  # the loaded campaign's address is a placeholder
    target.email = "target@embassy.test"
    target.save()
    address_approved(target)
    call_command("build_delivery", "--petition", petition.slug, stdout=StringIO())
    waiting = Delivery.objects.get()
    assert waiting.named_count == 1
    logged_in_as(client, PETITION_MANAGERS)

    aynur = Signature.objects.get(first_name="Aynur")
    page = client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "hide_names", "_selected_action": [aynur.pk]},
        follow=True,
    ).content.decode()

    waiting.refresh_from_db()
    assert waiting.named_count == 0
    assert "Aynur" not in waiting.signatures_csv.open("rb").read().decode("utf-8-sig")
    assert "1 liste pas encore envoyée a été réécrite sans ces noms." in page
    assert "en arrière-plan" not in page


@pytest.mark.django_db(transaction=True)  # as under `make run`: each write commits at once
def test_staff_send_an_update_and_read_that_it_reached_the_signer_who_asked_for_news(
    client, signed_and_confirmed, mailoutbox
):
    staff = User.objects.create_superuser("camille", email="camille@campaign.example")
    login_verified(client, staff)
    update = SupporterUpdate.objects.create(
        petition=signed_and_confirmed, subject_fr="Des nouvelles de Mamat", body_fr="<p>Merci.</p>"
    )
    mailoutbox.clear()

    for step in ("submit", "approve", "send"):
        # The approve button's form says which submission was read.
        read = re.search(
            r'name="submitted_at" value="([^"]*)"',
            client.get(
                reverse("admin:updates_supporterupdate_change", args=[update.pk])
            ).content.decode(),
        )
        page = client.post(
            reverse("admin:updates_supporterupdate_step", args=[update.pk, step]),
            {"submitted_at": read.group(1)},
            follow=True,
        )

    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.SENT
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    # Tasks ran in-process: it went already, and the page says so rather than "sending".
    assert "Envoyée\u00a0: 1 e-mail est parti vers les signataires." in page.content.decode()


def _sign_through_the_server(base_url: str, slug: str, number: int) -> int:
    """Open the petition as a browser does, post the form with its CSRF token; return the status."""
    cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    browser = urllib.request.build_opener(cookies)
    page_url = f"{base_url}/petition/{slug}/"
    page = browser.open(page_url, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "csrfmiddlewaretoken": token,
        "first_name": "Amina",
        "last_name": "Tursun",
        "email": f"supporter{number}@example.org",
        "country": "FR",
    }
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(f"{page_url}sign/", data=body, headers={"Referer": page_url})
    try:
        return browser.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.django_db(transaction=True)  # the server's threads see what each request commits
def test_a_room_of_supporters_sign_at_once_and_each_gets_an_email(
    live_server, mamat_campaign, mailoutbox, settings, caplog
):
    # A launch evening: twenty phones on the venue's wifi, one address, within a second.
    settings.SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH = 100
    petition = mamat_campaign.petitions.get()
    room = 20

    with ThreadPoolExecutor(max_workers=room) as phones:
        statuses = list(
            phones.map(
                lambda number: _sign_through_the_server(live_server.url, petition.slug, number),
                range(room),
            )
        )

    assert statuses == [200] * room  # each followed its redirect to "check your email"
    assert Signature.objects.filter(petition=petition).count() == room
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        f"supporter{number}@example.org" for number in range(room)
    )
    failed = [record.getMessage() for record in caplog.records if record.levelno >= WARNING]
    assert failed == []
