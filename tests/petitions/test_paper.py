"""Signatures collected on paper: a blank sheet to print, a typed-in sheet checked and imported."""

import io
import json
import re
import shutil
import subprocess
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook
from pypdf import PdfReader

from petitions import counter, paper, sealing
from petitions.models import Signature
from staff.access_trail import ip_hmac
from staff.models import AccessEvent
from tests.deliveries.helpers import pdf_text
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as
from tests.sealing_keys import sealed_data_of

pytestmark = pytest.mark.django_db

SHEET = (
    "Prénom;Nom;Pays;E-mail;Nommer\n"
    "Aynur;Tursun;France;;oui\n"
    "Ilham;Dupont;Turquie;ilham@example.org;\n"
    "Bad;Row;Atlantis;;maybe\n"
)


@pytest.fixture
def manager(client):
    logged_in_as(client, PETITION_MANAGERS)
    return client


def _paper_url(petition, *rest) -> str:
    return reverse("admin:petitions_petition_paper" + "".join(rest), args=[petition.pk])


def test_the_blank_sheet_holds_the_demand_the_privacy_notice_and_numbered_lines(manager):
    petition = PetitionFactory(slug="liberez-mamat", asks_postcode=True)

    response = manager.get(_paper_url(petition, "_sheet"))

    text = " ".join(pdf_text(response.content).split())
    assert response["Content-Type"] == "application/pdf"
    assert "Libérez Mamat immédiatement." in text
    assert "elle n’est jamais transmise aux autorités" in text
    assert "Code postal (facultatif)" in text and "Me nommer aux autorités (oui/non)" in text
    assert "17 18" in text and "/petition/liberez-mamat/" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("asks_postcode", [False, True])
def test_the_blank_sheet_prints_on_one_page_with_no_word_over_another(
    manager, asks_postcode, tmp_path
):
    petition = PetitionFactory(slug="liberez-mamat", asks_postcode=asks_postcode)
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(manager.get(_paper_url(petition, "_sheet")).content)

    # Lines 17 and 18 went over to a second page, and "Me nommer aux autorités (oui/non)" ran
    # into the signature's column.
    assert len(PdfReader(sheet).pages) == 1
    boxes = subprocess.run(
        ["pdftotext", "-bbox", sheet, "-"], capture_output=True, text=True, check=True
    ).stdout
    words = [
        (word, *map(float, corners))
        for *corners, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', boxes
        )
    ]
    assert len(words) > 50  # the sheet's text was read
    overlapping = [
        (a[0], b[0])
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]
    assert overlapping == []


def test_each_rows_errors_are_shown_and_only_valid_rows_are_imported(manager, mailoutbox):
    petition = PetitionFactory()
    SignatureFactory(petition=petition, email="ilham@example.org", confirmed=True)
    upload = io.BytesIO(SHEET.encode())
    upload.name = "stand-marche.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    rows = preview.context["rows"]
    assert [row.errors == [] for row in rows] == [True, False, False]
    assert rows[1].errors == ["Cette adresse a déjà signé\u00a0: elle ne compte qu’une fois."]
    assert len(rows[2].errors) == 2  # an unknown country and an unclear "named" column
    assert not Signature.objects.filter(source="paper").exists()  # nothing yet
    # The preview's columns read as the sheet's headings, not as "first_name", "last_name"…
    table = preview.content.decode().partition('id="paper-rows"')[2]
    headings = table.split('<th scope="col">')[1:5]
    assert [heading.partition("<")[0] for heading in headings] == ["#", "Prénom", "Nom", "Pays"]

    imported = manager.post(
        _paper_url(petition),
        {"content": preview.context["content"], "file_name": "stand-marche.csv", "import": "1"},
    )

    assert imported.status_code == 302
    said = [str(message) for message in get_messages(imported.wsgi_request)]
    assert said == ["Signatures papier importées\u00a0: 1. Lignes écartées\u00a0: 2."]
    (aynur,) = Signature.objects.filter(source="paper")
    assert (aynur.status, aynur.country, aynur.name_in_delivery) == ("confirmed", "FR", True)
    assert (aynur.first_name, aynur.last_name) == ("Aynur", "Tursun")  # named: stays readable
    assert sealed_data_of(aynur)["last_name"] == "Tursun"
    assert mailoutbox == []  # a paper signer is never emailed
    event = AccessEvent.objects.get(action=AccessEvent.Action.IMPORTED_PAPER_SIGNATURES)
    assert event.row_count == 1 and event.query["skipped"] == 2


def test_checking_a_sheet_of_addresses_is_trailed_though_nothing_is_imported(manager):
    # The preview says which address already signed: a sheet typed to ask it of a list of
    # people, then never imported, must still leave its mark in the trail.
    petition = PetitionFactory()
    SignatureFactory(petition=petition, email="ilham@example.org", confirmed=True)
    upload = io.BytesIO(SHEET.encode())
    upload.name = "stand-marche.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    assert preview.status_code == 200
    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCHED_SIGNATURES)
    assert event.actor_username == "petition-managers"
    assert event.row_count == 1  # the address that had signed
    assert event.query == {"paper_sheet": "stand-marche.csv", "addresses": 1}
    assert "ilham" not in f"{event.target} {event.query}"


def test_the_same_sheet_sent_again_is_refused_before_its_signers_count_twice(manager):
    petition = PetitionFactory()
    sheet = "Prénom;Nom;Pays;E-mail;Nommer\nFrançois;Martin;France;;\nHélène;Roy;Belgique;;\n"

    def send(name: str, content: str, **action):
        upload = io.BytesIO(content.encode())
        upload.name = name
        return manager.post(_paper_url(petition), {"sheet": upload, **action})

    send("marche-samedi.csv", sheet, **{"import": "1"})
    again = send("marche-samedi (1).csv", sheet)
    forced = send("marche-samedi (1).csv", sheet, **{"import": "1"})
    another = send("marche-dimanche.csv", sheet + "Ilham;Tursun;France;;\n", **{"import": "1"})

    assert again.context["rows"] is None
    [error] = again.context["form"].errors["sheet"]
    assert error.startswith("Ce fichier même a été importé le ")
    assert error.endswith(
        "par petition-managers\N{NO-BREAK SPACE}: ses signatures sont déjà comptées. Rien n'a été "
        "importé de nouveau."
    )
    assert forced.status_code == 200 and forced.context["rows"] is None
    assert another.status_code == 302  # a sheet with one more line is another sheet
    assert Signature.objects.filter(source="paper").count() == 2 + 3


def test_an_xlsx_sheet_is_read_like_a_csv(db):
    petition = PetitionFactory()
    book = Workbook()
    book.active.append(["First name", "Last name", "Country", "Email", "Named"])
    book.active.append(["Gulnar", "Abdulla", "DE", "gulnar@example.org", "no"])
    content = io.BytesIO()
    book.save(content)

    (row,) = paper.paper_sheet_read(
        petition=petition, content=content.getvalue(), file_name="s.xlsx", actor=None
    )

    assert row.errors == [] and row.country == "DE" and not row.named


@pytest.mark.parametrize(
    "saved_as",
    [
        pytest.param(lambda text: text.encode("cp1252"), id="excel-csv-on-french-windows"),
        pytest.param(lambda text: text.encode("utf-16"), id="excel-unicode-text"),
        pytest.param(lambda text: text.encode("utf-8-sig"), id="utf-8-with-bom"),
    ],
)
def test_a_sheet_saved_as_french_excel_saves_it_reads_with_its_accents(db, saved_as):
    petition = PetitionFactory()
    typed = "Prénom\tNom\tPays\tE-mail\tNommer\nHélène\tDupré\tÉgypte\t\toui\n"

    (row,) = paper.paper_sheet_read(
        petition=petition, content=saved_as(typed), file_name="s.csv", actor=None
    )

    assert row.errors == [] and row.values["first_name"] == "Hélène" and row.country == "EG"


def test_a_sheet_of_one_column_says_what_each_row_lacks(db):
    petition = PetitionFactory()

    rows = paper.paper_sheet_read(
        petition=petition, content=b"Aynur\nIlham\n", file_name="s.csv", actor=None
    )

    assert [row.values["first_name"] for row in rows] == ["Aynur", "Ilham"]
    assert all("Le nom manque." in row.errors for row in rows)


def _zip_of(files: dict[str, str]) -> bytes:
    """A zip as LibreOffice writes an .ods: its first file, "mimetype", stored uncompressed."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return content.getvalue()


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("signatures.ods", _zip_of({"mimetype": "application/vnd.oasis.opendocument.spreadsheet"})),
        ("signatures.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 60),
    ],
    ids=["libreoffice-ods", "old-excel-xls"],
)
def test_a_sheet_neither_csv_nor_xlsx_is_refused_with_a_way_to_fix_it(manager, file_name, content):
    petition = PetitionFactory()
    upload = io.BytesIO(content)
    upload.name = file_name

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    assert preview.status_code == 200 and preview.context["rows"] is None
    assert preview.context["form"].errors["sheet"] == [
        "Envoyez la feuille en CSV ou en XLSX\u00a0: ce fichier n’est ni l’un ni l’autre."
    ]


def test_paper_signatures_count_apart_and_together(db, manager):
    petition = PetitionFactory()
    SignatureFactory(petition=petition, confirmed=True)
    sheet = b"Ana;Lopez;ES;;\nBo;Lee;US;;\n"
    user = logged_in_as(manager, PETITION_MANAGERS, "importer")

    paper.paper_signatures_import(petition=petition, content=sheet, file_name="s.csv", actor=user)
    counter.petition_counts_reconcile()

    assert counter.petition_progress(petition=petition).count == 3
    dashboard = manager.get(reverse("admin:petitions_petition_dashboard", args=[petition.pk]))
    assert dashboard.context["dashboard"].confirmed_by_source == {"online": 1, "paper": 2}
    # An unnamed paper signer is sealed at once, like any other.
    unnamed = Signature.objects.filter(source="paper").first()
    assert unnamed.last_name == "" and sealing.SEALED_FIELDS


def test_a_paper_signature_is_not_listed_as_an_email_waiting_to_go(db, manager):
    petition = PetitionFactory()
    waiting = SignatureFactory(petition=petition)
    sheet = b"Ana;Lopez;ES;;\n"
    user = logged_in_as(manager, PETITION_MANAGERS, "importer")
    paper.paper_signatures_import(petition=petition, content=sheet, file_name="s.csv", actor=user)

    not_sent_yet = manager.get(reverse("admin:petitions_signature_changelist") + "?email_status=")
    on_paper = manager.get(
        reverse("admin:petitions_signature_changelist") + "?email_status=not_emailed"
    )

    assert [row.pk for row in not_sent_yet.context["cl"].result_list] == [waiting.pk]
    assert [row.source for row in on_paper.context["cl"].result_list] == ["paper"]
    assert "Aucun\N{NO-BREAK SPACE}: signée sur papier" in on_paper.content.decode()


def test_the_public_ledger_states_online_and_paper_signatures_apart(client, manager):
    from petitions.ledger import ledger_entry_append
    from petitions.ledger_models import LedgerEntry

    petition = PetitionFactory(slug="liberez-mamat")
    SignatureFactory(petition=petition, confirmed=True)
    sheet = b"Ana;Lopez;ES;;\nBo;Lee;US;;\n"
    user = logged_in_as(manager, PETITION_MANAGERS, "importer")
    paper.paper_signatures_import(petition=petition, content=sheet, file_name="s.csv", actor=user)

    entry = json.loads(ledger_entry_append(petition=petition, event=LedgerEntry.Event.DAILY).body)

    assert entry["confirmed_total"] == 3
    assert entry["confirmed_by_source"] == {"online": 1, "paper": 2}
    page = client.get(reverse("petitions:ledger", kwargs={"slug": petition.slug}))
    assert "1 en ligne, 2 sur papier" in " ".join(page.content.decode().split())


def test_a_paper_name_that_does_not_look_like_a_name_is_counted_but_never_named(db, manager):
    petition = PetitionFactory()
    sheet = b"Zzmarkerfirst9;Tursun;FR;;oui\nAynur;Tursun;FR;;oui\n"
    user = logged_in_as(manager, PETITION_MANAGERS, "importer")

    paper.paper_signatures_import(petition=petition, content=sheet, file_name="s.csv", actor=user)

    paper_signers = Signature.objects.filter(source="paper")
    assert paper_signers.count() == 2
    named = paper_signers.named_in_delivery()
    assert [signature.first_name for signature in named] == ["Aynur"]
    marker = paper_signers.get(first_name="Zzmarkerfirst9")
    assert marker.name_review == Signature.NameReview.UNLISTED


def test_the_preview_says_which_signer_asking_to_be_named_will_not_be(manager):
    petition = PetitionFactory()
    upload = io.BytesIO(b"J. Smith;Tursun;FR;;oui\nAynur;Tursun;FR;;oui\nK2;Tursun;FR;;non\n")
    upload.name = "stand.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    rows = preview.context["rows"]
    assert [row.errors for row in rows] == [[], [], []]  # all three are imported
    # Only the one who asked to be named, with a name the site never gives, hears it.
    assert [len(row.notes) for row in rows] == [1, 0, 0]
    assert "jamais nommé" in rows[0].notes[0]
    noted_row = preview.content.decode().partition('class="paper-row--note"')[2]
    assert rows[0].notes[0] in noted_row.partition("</tr>")[0]


def test_a_sheet_saved_with_old_mac_line_endings_reads_line_by_line(manager):
    """Excel's "CSV (Macintosh)" ends each line with a lone carriage return."""
    petition = PetitionFactory()
    upload = io.BytesIO(b"Aynur;Tursun;France;;oui\rIlham;Dupont;France;;\r")
    upload.name = "stand-mac.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    assert preview.status_code == 200
    assert [(row.values["first_name"], row.errors) for row in preview.context["rows"]] == [
        ("Aynur", []),
        ("Ilham", []),
    ]


def test_a_sheet_with_a_cell_too_long_to_read_names_its_line_and_imports_nothing(manager):
    petition = PetitionFactory()
    pasted_by_mistake = b'"' + b"x" * 200_000 + b'"'
    upload = io.BytesIO(b"Aynur;Tursun;France;;oui\nIlham;" + pasted_by_mistake + b";France;;\n")
    upload.name = "stand-marche.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    assert preview.status_code == 200 and preview.context["rows"] is None
    (error,) = preview.context["form"].errors["sheet"]
    assert error == (
        "La ligne 2 du fichier ne peut pas être lue\u00a0: une cellule est-elle beaucoup trop "
        "longue\u00a0?"
    )
    assert not Signature.objects.filter(source="paper").exists()


def test_the_preview_numbers_each_row_as_the_spreadsheet_does_so_staff_find_it(manager):
    petition = PetitionFactory()
    # Excel's "CSV (separator: semicolon)" with its BOM: a heading, a line left blank between
    # two sheets, then a row with two mistakes, which Excel shows as row 4.
    typed = (
        "Prénom;Nom;Pays;E-mail;Nommer\r\n"
        "مەمەت;ئابدۇللا;Turquie;;oui\r\n"
        ";;;;\r\n"
        "Gülnar;Ablimit;;gulnar@exemple;oui\r\n"
    )
    upload = io.BytesIO(typed.encode("utf-8-sig"))
    upload.name = "rassemblement.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})

    rows = preview.context["rows"]
    assert [(row.number, row.values["first_name"]) for row in rows] == [
        (2, "مەمەت"),
        (4, "Gülnar"),
    ]
    assert rows[0].errors == [] and rows[0].named
    # An empty cell is said to be missing, not quoted as an unknown country "“”".
    assert rows[1].errors == [
        "Le pays manque.",
        "«\u00a0gulnar@exemple\u00a0» n’est pas une adresse e-mail.",
    ]


def test_a_country_typed_as_volunteers_write_it_is_known(db):
    petition = PetitionFactory()
    # Typed in a hurry from sheets filled at a rally: accents left out, the names people say.
    typed = (
        "Prénom;Nom;Pays\n"
        "Dilnur;Obul;Etats-Unis\n"
        "Ayshe;Kerim;États-Unis\n"
        "Mary;Smith;USA\n"
        "Omar;Saïd;Egypte\n"
        "Tom;Brown;UK\n"
        "Léa;Roux;royaume uni\n"
        "Aziz;Ali;Emirats arabes unis\n"
    )

    rows = paper.paper_sheet_read(
        petition=petition, content=typed.encode(), file_name="s.csv", actor=None
    )

    assert [(row.country, row.errors) for row in rows] == [
        ("US", []),
        ("US", []),
        ("US", []),
        ("EG", []),
        ("GB", []),
        ("GB", []),
        ("AE", []),
    ]


def test_a_data_officer_is_not_offered_the_paper_page_that_would_refuse_them(client):
    petition = PetitionFactory()
    logged_in_as(client, DATA_OFFICERS)  # may read the petition, not change it
    paper_page = _paper_url(petition)

    petition_page = client.get(reverse("admin:petitions_petition_change", args=[petition.pk]))

    assert petition_page.status_code == 200
    assert paper_page not in petition_page.content.decode()
    assert client.get(paper_page).status_code == 403


def test_a_petition_manager_is_offered_the_paper_page(manager):
    petition = PetitionFactory()

    petition_page = manager.get(reverse("admin:petitions_petition_change", args=[petition.pk]))

    assert _paper_url(petition) in petition_page.content.decode()


# A sheet printed for a Uyghur rally, typed in by a volunteer in Uyghur: the headings, “yes”
# (ھەئە, or ھە for short), “no” (ياق) and the countries as the signers wrote them.
UYGHUR_SHEET = (
    "ئىسمى;فامىلىسى;دۆلەت;ئېلخەت;نامىمنى دائىرىلەرگە بېرىڭ\n"
    "ئايگۈل;تۇرسۇن;فرانسىيە;;ھەئە\n"
    "مەمەت;ئابدۇللا;گېرمانىيە;;ياق\n"
    "گۈلنار;ئابلىمىت;ئامېرىكا;;ھە\n"
    "ئىلھام;قادىر;تۈركىيە;;\n"
    "دىلنۇر;ئوبۇل;قازاقىستان;;ياق\n"
)
FRENCH_SHEET = (
    "Prénom;Nom;Pays;E-mail (facultatif);Me nommer aux autorités (oui/non)\n"
    "Aygul;Tursun;France;;oui\n"
    "Memet;Abdulla;Allemagne;;non\n"
    "Gulnar;Ablimit;États-Unis;;o\n"
    "Ilham;Qadir;Turquie;;\n"
    "Dilnur;Obul;Kazakhstan;;non\n"
)
ENGLISH_SHEET = (
    "First name;Last name;Country;Email (optional);Name me to the authorities (yes/no)\n"
    "Aygul;Tursun;France;;yes\n"
    "Memet;Abdulla;Germany;;no\n"
    "Gulnar;Ablimit;United States;;y\n"
    "Ilham;Qadir;Turkey;;\n"
    "Dilnur;Obul;Kazakhstan;;no\n"
)


@pytest.mark.parametrize(
    "typed", [FRENCH_SHEET, ENGLISH_SHEET, UYGHUR_SHEET], ids=["french", "english", "uyghur"]
)
def test_a_sheet_typed_in_the_language_it_was_filled_in_imports_like_a_french_one(manager, typed):
    petition = PetitionFactory()
    upload = io.BytesIO(typed.encode())
    upload.name = "miting.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})
    imported = manager.post(
        _paper_url(petition),
        {"content": preview.context["content"], "file_name": "miting.csv", "import": "1"},
    )

    assert [row.errors for row in preview.context["rows"]] == [[], [], [], [], []]
    said = [str(message) for message in get_messages(imported.wsgi_request)]
    assert said == ["Signatures papier importées\u00a0: 5. Lignes écartées\u00a0: 0."]
    signers = Signature.objects.filter(source="paper").order_by("pk")
    assert [(signer.country, signer.name_in_delivery) for signer in signers] == [
        ("FR", True),
        ("DE", False),
        ("US", True),
        ("TR", False),
        ("KZ", False),
    ]


def test_a_country_name_the_site_does_not_know_is_refused_with_the_code_that_always_works(db):
    petition = PetitionFactory()
    typed = "Aynur;Tursun;Atlantide;;\nIlham;Tursun;FR;;\n"

    atlantis, france = paper.paper_sheet_read(
        petition=petition, content=typed.encode(), file_name="s.csv", actor=None
    )

    assert atlantis.errors == [
        "«\u00a0Atlantide\u00a0» n’est pas un pays que nous connaissons\u00a0: écrivez plutôt "
        "son code à deux lettres, comme FR pour la France."
    ]
    assert france.errors == [] and france.country == "FR"


def test_a_named_column_the_site_cannot_read_says_which_words_it_reads(db):
    petition = PetitionFactory()

    (row,) = paper.paper_sheet_read(
        petition=petition, content=b"Aynur;Tursun;FR;;peut-etre\n", file_name="s.csv", actor=None
    )

    assert row.errors == [
        "Dans la dernière colonne, écrivez «\u00a0oui\u00a0», «\u00a0o\u00a0» ou «\u00a0x\u00a0» "
        "pour être nommé, «\u00a0non\u00a0», «\u00a0n\u00a0» ou rien sinon."
    ]


def test_importing_a_sheet_after_its_preview_trails_the_preview_and_the_import_once_each(
    manager,
):
    # Staff preview the sheet (they see which addresses signed already: a search), then import
    # it. The import checks the addresses again, as part of importing: one entry says so.
    petition = PetitionFactory()
    SignatureFactory(petition=petition, email="ilham@example.org", confirmed=True)
    upload = io.BytesIO(SHEET.encode())
    upload.name = "stand-marche.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})
    manager.post(
        _paper_url(petition),
        {"content": preview.context["content"], "file_name": "stand-marche.csv", "import": "1"},
    )

    trail = AccessEvent.objects.order_by("pk")
    assert [event.action for event in trail] == [
        AccessEvent.Action.SEARCHED_SIGNATURES,
        AccessEvent.Action.IMPORTED_PAPER_SIGNATURES,
    ]
    imported = trail.last()
    assert imported.row_count == 1
    assert {key: imported.query[key] for key in ("addresses", "already_signed", "skipped")} == {
        "addresses": 1,
        "already_signed": 1,
        "skipped": 2,
    }


def test_the_preview_and_the_import_trail_the_network_staff_sent_the_sheet_from(manager):
    petition = PetitionFactory()
    SignatureFactory(petition=petition, email="ilham@example.org", confirmed=True)
    upload = io.BytesIO(SHEET.encode())
    upload.name = "stand-marche.csv"
    office = {"REMOTE_ADDR": "198.51.100.7"}

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"}, **office)
    manager.post(
        _paper_url(petition),
        {"content": preview.context["content"], "file_name": "stand-marche.csv", "import": "1"},
        **office,
    )

    trail = AccessEvent.objects.order_by("pk")
    assert [(event.action, event.ip_hmac) for event in trail] == [
        (AccessEvent.Action.SEARCHED_SIGNATURES, ip_hmac("198.51.100.7")),
        (AccessEvent.Action.IMPORTED_PAPER_SIGNATURES, ip_hmac("198.51.100.7")),
    ]
    assert [event.actor_username for event in trail] == ["petition-managers"] * 2


def test_a_manager_importing_over_a_thousand_paper_signatures_reads_the_count_grouped(manager):
    petition = PetitionFactory()
    sheet = "Prénom;Nom;Pays;E-mail;Nommer\n" + "".join(
        f"Signataire{number};Papier;France;;non\n" for number in range(1001)
    )
    upload = io.BytesIO(sheet.encode())
    upload.name = "rassemblement.csv"

    preview = manager.post(_paper_url(petition), {"sheet": upload, "preview": "1"})
    imported = manager.post(
        _paper_url(petition),
        {"content": preview.context["content"], "file_name": "rassemblement.csv", "import": "1"},
        headers={"accept-language": "fr"},
    )

    said = [str(message) for message in get_messages(imported.wsgi_request)]
    assert said == ["Signatures papier importées\u00a0: 1\u00a0001. Lignes écartées\u00a0: 0."]
    assert Signature.objects.filter(source="paper").count() == 1001
