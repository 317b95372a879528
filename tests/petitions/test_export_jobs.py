"""Exports too large for a request: prepared by a worker, downloaded through an expiring link."""

import re
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone, translation

from petitions import export_jobs
from petitions.models import SignatureExport
from petitions.tasks import signature_exports_purge_expired
from staff.models import AccessEvent
from tests.deliveries.factories import confirmed_signatures_create
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import (
    DATA_OFFICERS,
    csv_rows,
    export_storage_fixture,  # noqa: F401 (the export_storage fixture)
    logged_in_as,
)

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:petitions_signature_export")
CHANGELIST_URL = reverse("admin:petitions_signature_changelist")


def test_a_large_export_is_written_by_a_worker_and_downloaded_through_an_expiring_link(
    officer_client, settings, export_storage, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 2
    petition = PetitionFactory()
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(EXPORT_URL, {"petition": petition.pk, "format": "csv"})

    assert response.status_code == 302
    export = SignatureExport.objects.get()
    assert (export.status, export.row_count) == (SignatureExport.Status.READY, 3)
    assert export.expires_at > timezone.now()
    listing = officer_client.get(reverse("admin:petitions_signatureexport_changelist"))
    link = re.search(
        r'href="(/admin/petitions/signature/exports/[^"]+/)"', listing.content.decode()
    )
    download = officer_client.get(link.group(1))
    assert len(csv_rows(b"".join(download.streaming_content))) == 4
    trail = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert trail.count() == 2  # the file written, then its download

    SignatureExport.objects.filter(pk=export.pk).update(expires_at=timezone.now())
    assert signature_exports_purge_expired.delay().get() == 1

    export.refresh_from_db()
    assert export.status == SignatureExport.Status.EXPIRED
    assert not any(export_storage.rglob("*.csv"))
    assert officer_client.get(link.group(1)).status_code == 404


def test_a_download_link_works_only_for_the_officer_who_asked(
    client, settings, export_storage, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 0
    SignatureFactory()
    requester = logged_in_as(client, DATA_OFFICERS, "requester")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(EXPORT_URL, {"format": "csv"})
    export = SignatureExport.objects.get(requested_by=requester)
    url = reverse(
        "admin:petitions_signatureexport_download",
        kwargs={"token": export_jobs.export_download_token(export=export)},
    )

    logged_in_as(client, DATA_OFFICERS, "colleague")

    assert client.get(url).status_code == 404
    assert client.get(url.replace(url.split("/")[-2], "forged")).status_code == 404


def test_the_build_task_is_safe_to_run_twice(settings, export_storage, django_user_model):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    export = SignatureExport.objects.create(requested_by=requester, format="csv")

    assert export_jobs.signature_export_build(export_id=export.pk) is True
    assert export_jobs.signature_export_build(export_id=export.pk) is False
    assert len(list(export_storage.rglob("*.csv"))) == 1


def test_an_export_whose_task_was_lost_is_queued_again_and_written(
    settings, export_storage, django_user_model, django_capture_on_commit_callbacks
):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    lost = SignatureExport.objects.create(
        requested_by=requester,
        format="csv",
        created_at=timezone.now() - timedelta(minutes=6),
    )
    waiting = SignatureExport.objects.create(requested_by=requester, format="csv")

    assert export_jobs.signature_exports_resume() == 1

    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == SignatureExport.Status.READY and lost.row_count == 1
    assert waiting.status == SignatureExport.Status.QUEUED


def test_a_large_export_speaks_the_language_of_the_officer_who_asked_not_the_workers(
    officer_client, settings, export_storage, django_capture_on_commit_callbacks
):
    settings.EXPORT_ASYNC_THRESHOLD = 2
    petition = PetitionFactory()
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    with django_capture_on_commit_callbacks() as queued:
        officer_client.post(
            EXPORT_URL, {"petition": petition.pk, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"
        )

    # The worker runs the task later, in no request and so in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        for task in queued:
            task()

    export = SignatureExport.objects.get()
    with export.file.open("rb") as prepared:
        header = csv_rows(prepared.read())[0]
    assert header[:2] == ["First name", "Last name"]


def test_an_export_whose_worker_was_killed_is_written_again_within_the_half_hour(
    settings, export_storage, django_user_model
):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    # A million rows take seconds (docs/performance.md): a writer silent this long is dead.
    killed = SignatureExport.objects.create(
        requested_by=requester,
        format="csv",
        status=SignatureExport.Status.RUNNING,
        started_at=timezone.now() - timedelta(minutes=20),
    )

    assert export_jobs.signature_exports_resume() == 1

    killed.refresh_from_db()
    assert killed.status == SignatureExport.Status.READY and killed.row_count == 1


def _when_recorded_ready(failure: BaseException):
    """A database wrapper that raises `failure` as the writer records its export ready: the
    file is written, the row does not say so."""

    def fail(execute, sql, params, many, context):
        if sql.startswith('UPDATE "petitions_signatureexport"') and "ready" in (params or ()):
            raise failure
        return execute(sql, params, many, context)

    return fail


@pytest.mark.django_db(transaction=True)
def test_a_file_written_while_the_database_went_away_is_not_left_behind(
    settings, export_storage, django_user_model
):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    export = SignatureExport.objects.create(requested_by=requester, format="csv")

    database_gone = OperationalError("server closed the connection unexpectedly")
    with (
        connection.execute_wrapper(_when_recorded_ready(database_gone)),
        pytest.raises(OperationalError),
    ):
        export_jobs.signature_export_build(export_id=export.pk)

    # Nothing records the file, so nothing would ever delete it: it must not be there.
    assert not any(export_storage.rglob("*.csv"))
    SignatureExport.objects.filter(pk=export.pk).update(
        started_at=timezone.now() - timedelta(minutes=20)
    )
    assert export_jobs.signature_exports_resume() == 1
    export.refresh_from_db()
    assert export.status == SignatureExport.Status.READY
    assert len(list(export_storage.rglob("*.csv"))) == 1


def test_an_officer_whose_prepared_file_has_gone_is_sent_back_to_prepare_it_again(
    officer_client, settings, export_storage, django_capture_on_commit_callbacks, caplog
):
    settings.EXPORT_ASYNC_THRESHOLD = 2
    petition = PetitionFactory()
    SignatureFactory.create_batch(3, petition=petition, confirmed=True, first_name="Zulfiya")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(EXPORT_URL, {"petition": petition.pk, "format": "csv"})
    listing_url = reverse("admin:petitions_signatureexport_changelist")
    link = re.search(
        r'href="(/admin/petitions/signature/exports/[^"]+/)"',
        officer_client.get(listing_url).content.decode(),
    ).group(1)
    # Between the list and the click, the file is deleted (purged, or lost with its bucket).
    for written in export_storage.rglob("*.csv"):
        written.unlink()

    response = officer_client.get(link, follow=True)

    assert response.redirect_chain == [(listing_url, 302)]
    assert "n’est plus là" in response.content.decode()
    assert "Préparez à nouveau l’export" in response.content.decode()
    assert 'href="/admin/petitions/signature/exports/' not in response.content.decode()
    warning = next(record for record in caplog.records if record.levelname == "WARNING")
    assert f"#{SignatureExport.objects.get().pk}" in warning.getMessage()
    assert "Zulfiya" not in caplog.text
    downloads = AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORTED_SIGNATURES, query__download=True
    )
    assert not downloads.exists()


def _exports_page_refreshes(client) -> bool:
    page = client.get(reverse("admin:petitions_signatureexport_changelist")).content.decode()
    return '<meta http-equiv="refresh"' in page


def test_the_list_of_prepared_exports_refreshes_itself_until_the_file_is_ready(
    officer_client, django_user_model
):
    officer = django_user_model.objects.get(username="data-officers")
    export = SignatureExport.objects.create(requested_by=officer, format="csv")

    page = officer_client.get(reverse("admin:petitions_signatureexport_changelist"))

    assert '<meta http-equiv="refresh" content="5">' in page.content.decode()
    assert "Cette page s’actualise d’elle-même" in page.content.decode()
    SignatureExport.objects.filter(pk=export.pk).update(
        status=SignatureExport.Status.RUNNING, started_at=timezone.now()
    )
    assert _exports_page_refreshes(officer_client)

    # The worker records the file written, as signature_export_build does.
    SignatureExport.objects.filter(pk=export.pk).update(
        status=SignatureExport.Status.READY,
        row_count=1,
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )

    page = officer_client.get(reverse("admin:petitions_signatureexport_changelist"))
    assert '<meta http-equiv="refresh"' not in page.content.decode()
    assert "Cette page s’actualise d’elle-même" not in page.content.decode()
    assert 'href="/admin/petitions/signature/exports/' in page.content.decode()


def test_an_export_no_worker_took_up_for_half_an_hour_stops_the_refreshing(
    officer_client, django_user_model
):
    # A page left open would otherwise keep its staff session alive for ever.
    officer = django_user_model.objects.get(username="data-officers")
    SignatureExport.objects.create(
        requested_by=officer, format="csv", created_at=timezone.now() - timedelta(minutes=31)
    )

    page = officer_client.get(reverse("admin:petitions_signatureexport_changelist"))

    assert '<meta http-equiv="refresh"' not in page.content.decode()
    assert "le processus de fond ne tourne peut-être pas" in page.content.decode()


def test_a_colleagues_export_being_written_does_not_refresh_an_officers_list(
    client, django_user_model
):
    colleague = logged_in_as(client, DATA_OFFICERS, "colleague")
    SignatureExport.objects.create(requested_by=colleague, format="csv")

    logged_in_as(client, DATA_OFFICERS, "officer")

    assert not _exports_page_refreshes(client)


def test_a_writer_whose_export_was_taken_over_leaves_neither_its_file_nor_its_record(
    settings, export_storage, django_user_model, monkeypatch
):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    export = SignatureExport.objects.create(requested_by=requester, format="csv")
    write = export_jobs.signatures_export_write
    stalled = []

    def stalled_past_its_claim(**kwargs):
        rows = write(**kwargs)
        if not stalled:
            stalled.append(True)
            # This writer stalled past EXPORT_CLAIM: beat's resume gave the export to another
            # worker, which wrote it and recorded its own file.
            SignatureExport.objects.filter(pk=export.pk).update(
                started_at=timezone.now() - timedelta(minutes=20)
            )
            assert export_jobs.signature_export_build(export_id=export.pk)
        return rows

    monkeypatch.setattr(export_jobs, "signatures_export_write", stalled_past_its_claim)

    assert not export_jobs.signature_export_build(export_id=export.pk)

    export.refresh_from_db()
    assert export.status == SignatureExport.Status.READY
    # One file, the one the database records: nothing else would ever delete another.
    written = [
        path.relative_to(export_storage).as_posix() for path in export_storage.rglob("*.csv")
    ]
    assert written == [export.file.name]


@pytest.mark.django_db(transaction=True)
def test_the_file_of_a_writer_killed_before_recording_it_is_deleted_when_written_again(
    settings, export_storage, django_user_model
):
    SignatureFactory()
    requester = django_user_model.objects.create_user("officer", is_staff=True)
    export = SignatureExport.objects.create(requested_by=requester, format="csv")

    killed = SystemExit("the worker is killed (SIGKILL, its machine lost)")
    with connection.execute_wrapper(_when_recorded_ready(killed)), pytest.raises(SystemExit):
        export_jobs.signature_export_build(export_id=export.pk)
    SignatureExport.objects.filter(pk=export.pk).update(
        started_at=timezone.now() - timedelta(minutes=20)
    )

    assert export_jobs.signature_exports_resume() == 1

    export.refresh_from_db()
    assert export.status == SignatureExport.Status.READY
    # The dead writer's file names signers too: nothing but this export could ever find it.
    written = [path.relative_to(export_storage).as_posix() for path in export_storage.rglob("*")]
    assert [name for name in written if name.endswith(".csv")] == [export.file.name]


def test_a_prepared_export_counts_its_signatures_as_french_writes_numbers(officer_client, settings):
    settings.EXPORT_ASYNC_THRESHOLD = 1000
    confirmed_signatures_create(PetitionFactory(), 1002)

    response = officer_client.post(EXPORT_URL, {"format": "csv"}, follow=True)

    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith("1\u00a0002 signatures\u00a0: le fichier est en préparation.")


def test_the_list_and_page_of_a_prepared_export_count_its_rows_as_french_writes_numbers(
    officer_client, django_user_model
):
    officer = django_user_model.objects.get(username="data-officers")
    export = SignatureExport.objects.create(
        requested_by=officer, format="csv", status=SignatureExport.Status.FAILED, row_count=50016
    )

    listing = officer_client.get(reverse("admin:petitions_signatureexport_changelist"))
    page = officer_client.get(reverse("admin:petitions_signatureexport_change", args=[export.pk]))

    for html in (listing.content.decode(), page.content.decode()):
        assert "50\u00a0016" in html and "50016" not in html
