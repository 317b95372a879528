"""Data officers export signature lists: filtered, streamed, neutralised, trailed."""

import csv
import io
import re
import zipfile
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from petitions import exports
from petitions.exports import SignatureExportFilters, signatures_for_export
from petitions.models import Signature
from staff.models import AccessEvent
from tests.deliveries.factories import confirmed_signatures_create
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import (
    PETITION_MANAGERS,
    csv_rows,
    export_storage_fixture,  # noqa: F401 (the export_storage fixture)
    logged_in_as,
)

pytestmark = pytest.mark.django_db
EXPORT_URL = reverse("admin:petitions_signature_export")
CHANGELIST_URL = reverse("admin:petitions_signature_changelist")
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+33 6 12",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "\u200b=1+1",
    "＝1+1",
    "﹦1",
]
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _export(client, **fields):
    data = {"format": "csv", **fields}
    response = client.post(EXPORT_URL, data)
    assert response.status_code == 200, response.content[:500]
    return response, csv_rows(b"".join(response.streaming_content))


def test_a_data_officer_exports_a_petitions_confirmed_signers_from_france(officer_client):
    petition, other = PetitionFactory(), PetitionFactory()
    wanted = SignatureFactory(
        petition=petition,
        confirmed=True,
        first_name="Aynur",
        last_name="Tursun",
        country="FR",
        comment="Pour Mamat",
    )
    SignatureFactory(petition=petition, confirmed=True, country="DE")
    SignatureFactory(petition=petition, country="FR")  # pending
    SignatureFactory(petition=other, confirmed=True, country="FR")

    response, rows = _export(officer_client, petition=petition.pk, status="confirmed", country="FR")

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"signatures-{petition.slug}-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    header, *body = rows
    assert len(header) == 13
    assert body == [
        [
            "Aynur",
            "Tursun",
            wanted.email,
            "FR",
            "",
            "Confirmée",
            wanted.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            wanted.confirmed_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            gettext("no"),
            gettext("no"),
            "",
            "Pour Mamat",
            "lisibles",  # not sealed yet
        ]
    ]


def test_an_export_can_hold_only_the_signers_named_in_the_delivery_within_dates(officer_client):
    petition = PetitionFactory()
    now = timezone.now()
    named = SignatureFactory(petition=petition, confirmed=True, name_in_delivery=True)
    SignatureFactory(petition=petition, confirmed=True, name_in_delivery=False)
    SignatureFactory(
        petition=petition,
        confirmed=True,
        name_in_delivery=True,
        created_at=now - timedelta(days=40),
    )

    # Staff pick days in the campaign's time zone: near midnight UTC, that is another date.
    today = timezone.localdate()
    _response, rows = _export(
        officer_client,
        petition=petition.pk,
        named_only="on",
        signed_from=(today - timedelta(days=7)).isoformat(),
        signed_until=today.isoformat(),
    )

    assert [row[2] for row in rows[1:]] == [named.email]


def test_a_formula_planted_in_a_name_never_runs_when_the_csv_is_opened(officer_client):
    petition = PetitionFactory()
    for formula in FORMULAS:
        SignatureFactory(petition=petition, first_name=formula, last_name=formula, postcode="=1+2")

    _response, rows = _export(officer_client, petition=petition.pk)

    for row in rows[1:]:
        assert row[0] in {f"'{formula}" for formula in FORMULAS}
        assert row[1] == row[0] and row[4] == "'=1+2"
    assert not [cell for row in rows for cell in row if FORMULA_START.match(cell)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_cell_the_site_writes_itself_starts_like_a_formula(language):
    petition = PetitionFactory()
    for status in Signature.Status.values:
        SignatureFactory(
            petition=petition,
            status=status,
            confirmed_at=timezone.now(),
            name_in_delivery=True,
            newsletter_opt_in=True,
            referral_code="-abc",
        )

    with translation.override(language):
        rows = [exports.export_header(), *exports.export_rows(petition.signatures.all())]

    assert not [cell for row in rows for cell in row if FORMULA_START.match(cell)]
    assert {row[10] for row in rows[1:]} == {"'-abc"}


def test_the_xlsx_export_holds_every_cell_as_text_and_no_formula(officer_client):
    petition = PetitionFactory()
    SignatureFactory(petition=petition, confirmed=True, first_name="=1+1", last_name="Tursun")

    response = officer_client.post(EXPORT_URL, {"petition": petition.pk, "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert "'=1+1" in sheet and "Tursun" in sheet


def test_the_xlsx_export_gives_dates_a_spreadsheet_can_sort(officer_client):
    import openpyxl

    petition = PetitionFactory()
    signed = timezone.now().replace(microsecond=0) - timedelta(days=3)
    SignatureFactory(petition=petition, created_at=signed, confirmed=True, last_name="Tursun")
    SignatureFactory(petition=petition, created_at=signed, last_name="Pending")

    response = officer_client.post(EXPORT_URL, {"petition": petition.pk, "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    signed_cell = by_name["Tursun"][header.index("Signée le (UTC)")]
    assert signed_cell.is_date
    assert signed_cell.value == signed.astimezone(UTC).replace(tzinfo=None)
    assert by_name["Tursun"][header.index("Confirmée le (UTC)")].is_date
    assert by_name["Pending"][header.index("Confirmée le (UTC)")].value in (None, "")


def test_exports_never_hold_the_ip_fingerprint_or_an_erased_signer(officer_client):
    petition = PetitionFactory()
    SignatureFactory(petition=petition, ip_hash="f" * 64)
    SignatureFactory(petition=petition, first_name="Gone", erased_at=timezone.now())

    _response, rows = _export(officer_client, petition=petition.pk)

    cells = {cell for row in rows for cell in row}
    assert "f" * 64 not in cells
    assert "Gone" not in cells
    assert len(rows) == 2


def test_every_export_is_on_the_access_trail_with_who_the_filters_and_the_row_count(
    officer_client,
):
    petition = PetitionFactory()
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)

    _export(officer_client, petition=petition.pk, status="confirmed")

    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.actor_username == "data-officers"
    assert event.row_count == 3
    assert event.query["petition_id"] == petition.pk
    assert event.query["status"] == "confirmed"
    assert event.query["format"] == "csv"


def test_the_export_form_starts_from_the_signature_lists_filters(officer_client):
    petition = PetitionFactory()

    response = officer_client.get(
        EXPORT_URL,
        {
            "petition__id__exact": petition.pk,
            "status__exact": "flagged",
            "country__exact": "KZ",
            "name_in_delivery__exact": "1",
            "created_at__gte": "2025-03-01",
            "created_at__lt": "2025-04-01",
        },
    )

    initial = response.context["form"].initial
    assert str(initial["petition"]) == str(petition.pk)
    assert (initial["status"], initial["country"], initial["named_only"]) == ("flagged", "KZ", True)
    assert initial["signed_from"].isoformat() == "2025-03-01"
    assert initial["signed_until"].isoformat() == "2025-03-31"


def test_the_export_page_writes_its_threshold_as_french_writes_numbers(officer_client, settings):
    settings.EXPORT_ASYNC_THRESHOLD = 50_000

    html = officer_client.get(EXPORT_URL).content.decode()

    assert re.search(r"Jusqu'à 50\s000 signatures", html), "50000 read as one block of digits"


def test_the_signature_list_has_an_export_button_carrying_its_filters(officer_client):
    html = officer_client.get(CHANGELIST_URL, {"status__exact": "confirmed"}).content.decode()

    assert f'href="{EXPORT_URL}?status__exact=confirmed"' in html


def test_the_export_action_exports_the_selected_signatures(officer_client):
    chosen, _other = SignatureFactory(first_name="Chosen"), SignatureFactory(first_name="Other")

    response = officer_client.post(
        CHANGELIST_URL, {"action": "export_csv", "_selected_action": [chosen.pk]}
    )

    rows = csv_rows(b"".join(response.streaming_content))
    assert [row[0] for row in rows[1:]] == ["Chosen"]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert (event.row_count, event.query["selection"]) == (1, [str(chosen.pk)])


def test_exporting_from_a_search_keeps_no_searched_words_in_the_trail(officer_client):
    from staff.access_trail import search_fingerprint

    found = SignatureFactory(first_name="Chosen", email="chosen@example.org", country="FR")

    officer_client.post(
        f"{CHANGELIST_URL}?q=chosen@example.org&country__exact=FR",
        {"action": "export_csv", "_selected_action": [found.pk]},
    )

    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    # The append-only trail outlives any erasure: it keeps what the search was, never its words.
    assert "chosen@example.org" not in str(event.query)
    assert event.query["list"] == {
        "search_fingerprint": search_fingerprint("chosen@example.org"),
        "search_words": 1,
        "filters": {"country__exact": ["FR"]},
    }


def test_petition_managers_review_signatures_but_cannot_export_them(client):
    logged_in_as(client, PETITION_MANAGERS)
    signature = SignatureFactory()

    listing = client.get(CHANGELIST_URL)
    action = client.post(
        CHANGELIST_URL, {"action": "export_csv", "_selected_action": [signature.pk]}
    )

    assert listing.status_code == 200
    assert "export_csv" not in listing.content.decode()
    assert EXPORT_URL not in listing.content.decode()
    assert client.get(EXPORT_URL).status_code == 403
    assert client.post(EXPORT_URL, {"format": "csv"}).status_code == 403
    assert not getattr(action, "streaming", False)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


def test_the_command_writes_the_same_rows_as_the_admin(officer_client, tmp_path):
    petition = PetitionFactory(slug="mamat")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    SignatureFactory(petition=petition, first_name="@evil")
    output = tmp_path / "export.csv"

    call_command("export_signatures", petition="mamat", output=str(output), stdout=io.StringIO())

    _response, admin_rows = _export(officer_client, petition=petition.pk)
    assert csv_rows(output.read_bytes()) == admin_rows
    assert AccessEvent.objects.filter(
        action=AccessEvent.Action.EXPORTED_SIGNATURES, actor__isnull=True, row_count=4
    ).exists()


def test_the_command_tells_the_data_officer_how_many_signers_it_wrote_grouped_as_they_read(
    tmp_path,
):
    petition = PetitionFactory(slug="mamat")
    confirmed_signatures_create(petition, 1001)
    output, printed = tmp_path / "export.csv", io.StringIO()

    with translation.override("fr"):
        call_command("export_signatures", petition="mamat", output=str(output), stdout=printed)

    assert printed.getvalue().startswith("1\N{NO-BREAK SPACE}001 ")  # not "1001"
    assert str(output) in printed.getvalue()
    assert len(csv_rows(output.read_bytes())) == 1 + 1001  # the headings, then the signers


class _RecordedWrites(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[bytes] = []

    def write(self, piece: bytes) -> int:
        self.pieces.append(piece)
        return super().write(piece)


def _written(signatures, *, file_format: str = "csv") -> _RecordedWrites:
    out = _RecordedWrites()
    exports.signatures_export_write(
        actor=None, signatures=signatures, query={}, file_format=file_format, out=out
    )
    return out


def test_the_csv_is_written_in_pieces_never_as_one_whole_file(monkeypatch):
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 2)
    petition = PetitionFactory()
    SignatureFactory.create_batch(5, petition=petition)
    signatures = signatures_for_export(filters=SignatureExportFilters(petition_id=petition.pk))

    out = _written(signatures)

    assert [len(csv_rows(piece)) for piece in out.pieces] == [1, 2, 2, 1]


def test_the_trail_records_the_rows_written_even_when_writing_fails(monkeypatch):
    SignatureFactory.create_batch(3)
    real_rows = exports.export_rows

    def rows_then_failure(signatures, **kwargs):
        rows = real_rows(signatures, **kwargs)
        yield next(rows)
        yield next(rows)
        raise OSError("disk full")

    monkeypatch.setattr(exports, "export_rows", rows_then_failure)

    with pytest.raises(OSError, match="disk full"):
        _written(Signature.objects.all())

    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.row_count == 2
    assert event.query["interrupted"] is True


@pytest.mark.parametrize(
    "first_name",
    ["Aynur", "Tursun, Aynur", 'Aynur "Ayi"', "Ay\nnur", "Ay\rnur", "", " Aynur ", "Айнур"],
)
def test_the_fast_csv_path_writes_exactly_what_the_csv_module_would(first_name):
    signature = SignatureFactory(first_name=first_name, comment="a, b")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([exports.export_header(), *exports.export_rows(Signature.objects.all())])

    written = _written(Signature.objects.filter(pk=signature.pk)).getvalue().decode()

    assert written == "\ufeff" + buffer.getvalue()
