"""A campaign's life as its signers and staff live it, then what a stolen copy of it holds.

The flow signs through the real form, confirms through the emailed links, delivers to the
authorities, exports with and without the data officers' key, and withdraws and erases, so
that what the database and the site's files keep afterwards is what production keeps. Each
persona has names and an address found nowhere else, so that a scan of a copy can say whom it
names. Used by tests/test_stolen_copy.py; runs on any database the settings point at.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from deliveries import runs
from petitions.models import Petition, Signature
from tests.deliveries.factories import address_approved
from tests.factories import PetitionFactory, TargetFactory
from tests.petitions.factories_staff import DATA_OFFICERS, csv_rows, logged_in_as
from tests.sealing_keys import TEST_SEALING_PRIVATE_KEY, WRONG_PRIVATE_KEY

EXPORT_URL = reverse("admin:petitions_signature_export")
ERASE_URL = reverse("admin:petitions_signature_erase")


@dataclass
class Persona:
    """A signer: what they type, what they choose, and what they do after signing."""

    key: str
    first_name: str
    last_name: str
    email: str
    postcode: str
    comment: str
    ip: str
    choices: dict = field(default_factory=dict)
    confirms: bool = True

    def personal_values(self) -> dict[str, str]:
        return {
            "first name": self.first_name,
            "last name": self.last_name,
            "email": self.email,
            "postcode": self.postcode,
            "comment": self.comment,
            "IP address": self.ip,
        }


def _persona(key: str, number: int, **extra) -> Persona:
    """Make a persona whose every value is unique to it (and long enough not to collide)."""
    return Persona(
        key=key,
        first_name=f"Gulnisa{key.capitalize()}",
        last_name=f"Qadirova{key.capitalize()}",
        email=f"secret-{key}-7731@example.org",
        postcode=f"ZQ{number}W 9XK",
        comment=f"Pour mon frere, {key} wrote this",
        ip=f"203.0.113.{100 + number}",
        **extra,
    )


PERSONAS = [
    _persona("plain", 1),
    _persona("shown", 2, choices={"show_first_name": "on"}),
    _persona("named", 3, choices={"name_in_delivery": "on"}),
    _persona("news", 4, choices={"newsletter_opt_in": "on"}),
    _persona("pending", 5, confirms=False),
    _persona("withdrawn", 6, choices={"name_in_delivery": "on"}),
    _persona("erased", 7, choices={"name_in_delivery": "on", "show_first_name": "on"}),
]
# What each persona's choices keep readable in a copy of the database, by design
# (petitions/sealing.py): a name they chose to make public or give to the authorities.
READABLE_IN_A_COPY = {
    "shown": {"first name"},
    "named": {"first name", "last name"},
}
# What the running site reads besides: the address of a signer who asked for news, in a box
# whose key is in the site's environment, not in the database.
READABLE_BY_THE_SITE = READABLE_IN_A_COPY | {"news": {"email"}}


@dataclass
class CampaignRun:
    petition: Petition
    officer: Client
    exported_with_key: list[list[str]]
    exported_without_key: list[list[str]]
    wrong_key_page: str


def _emailed_link(address: str, name: str) -> str:
    for message in reversed(mail.outbox):
        if message.to == [address]:
            return re.search(rf"https?://[^/\s]+(\S*/petition/{name}/\S+/)", message.body).group(1)
    raise AssertionError(f"no email to {address}")


def _sign(petition: Petition, persona: Persona) -> None:
    signer = Client()
    response = signer.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        {
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "email": persona.email,
            "country": "FR",
            "postcode": persona.postcode,
            "comment": persona.comment,
            **persona.choices,
        },
        REMOTE_ADDR=persona.ip,
    )
    assert response.status_code == 302, response.content[:2000]
    if persona.confirms:
        assert signer.post(_emailed_link(persona.email, "confirm")).status_code == 302


def _export(officer: Client, **fields) -> list[list[str]]:
    response = officer.post(EXPORT_URL, {"format": "csv", **fields})
    assert response.streaming, response.content[:2000]
    return csv_rows(b"".join(response.streaming_content))


def campaign_live() -> CampaignRun:
    """Run the campaign's life; return the petition, an officer's client and what they got."""
    target = address_approved(TargetFactory(email="embassy@embassy.test", language="fr"))
    petition = PetitionFactory(
        slug="liberez-mamat", targets=[target], asks_postcode=True, allows_comment=True
    )
    by_key = {persona.key: persona for persona in PERSONAS}
    for persona in PERSONAS:
        _sign(petition, persona)
    runs.deliveries_run(petition=petition)

    # The withdrawn signer uses their emailed link; a data officer erases the other on request.
    withdraw = _emailed_link(by_key["withdrawn"].email, "withdraw")
    assert Client().post(withdraw).status_code == 302
    officer = Client()
    logged_in_as(officer, DATA_OFFICERS)
    erased = officer.post(ERASE_URL, {"email": by_key["erased"].email, "confirm": "yes"})
    assert erased.status_code == 302

    wrong_key_page = officer.post(
        EXPORT_URL, {"format": "csv", "private_key": WRONG_PRIVATE_KEY}
    ).content.decode()
    with_key = _export(officer, private_key=TEST_SEALING_PRIVATE_KEY)
    without_key = _export(officer)
    return CampaignRun(petition, officer, with_key, without_key, wrong_key_page)


def signer_rows(run: CampaignRun) -> dict[str, dict[str, str]]:
    """Return the export with the key, by the signer's email address."""
    header, *rows = run.exported_with_key
    records = [dict(zip(header, row, strict=True)) for row in rows]
    address_column = next(name for name in header if "mail" in name.lower())
    return {record[address_column]: record for record in records}


def files_written() -> list[Path]:
    """Every file the site wrote: delivery files, export files, the erasure journal, uploads."""
    roots = [
        settings.DELIVERY_FILES_ROOT,
        settings.EXPORT_FILES_ROOT,
        settings.ERASURE_JOURNAL_ROOT,
        settings.MEDIA_ROOT,
    ]
    return [path for root in roots for path in Path(root).rglob("*") if path.is_file()]


def names_in(copy: bytes) -> dict[str, set[str]]:
    """Return, per persona, which of their personal values a copy holds in the clear."""
    text = copy.lower()
    found: dict[str, set[str]] = {}
    for persona in PERSONAS:
        for label, value in persona.personal_values().items():
            if value.lower().encode() in text:
                found.setdefault(persona.key, set()).add(label)
    return found


def pending_signature() -> Signature:
    return Signature.objects.get(confirmed_at__isnull=True)
