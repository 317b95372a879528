"""A campaign's life as its signers and staff live it, then what a stolen copy of it holds.

The flow signs through the real form in French, English and Uyghur (then switched off),
confirms through the emailed links, meets mail servers that answer 451 and 550, delivers to the
authorities with notices to those who asked for news, withdraws and erases, asks for fresh
withdrawal links (for a signer and for a stranger), sends an update, and exports with and
without the data officers' key, so
that what the database and the site's files keep afterwards is what production keeps. Each
persona has names and an address found nowhere else, so that a scan of a copy can say whom it
names. Used by tests/test_stolen_copy.py; runs on any database the settings point at.
"""

import logging
import re
import smtplib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from core import email_sending
from deliveries import notices, runs
from petitions.models import Petition, Signature
from tests.deliveries.factories import address_approved
from tests.factories import PetitionFactory, TargetFactory
from tests.petitions.factories_staff import DATA_OFFICERS, csv_rows, logged_in_as
from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.sealing_keys import TEST_SEALING_PRIVATE_KEY, WRONG_PRIVATE_KEY
from tests.updates.conftest import approver_create
from tests.updates.factories import update_approved
from updates import sending

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
    language: str = "fr"
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


# Signers sign in French, English and Uyghur; Uyghur is switched off after they signed, so
# that what they are sent later goes out in French (core/served_languages.py).
PERSONAS = [
    _persona("plain", 1),
    _persona("shown", 2, language="en", choices={"show_first_name": "on"}),
    _persona("named", 3, language="ug", choices={"name_in_delivery": "on"}),
    _persona("news", 4, language="ug", choices={"newsletter_opt_in": "on"}),
    _persona("pending", 5, language="en", confirms=False),
    _persona(
        "withdrawn", 6, language="en", choices={"name_in_delivery": "on", "newsletter_opt_in": "on"}
    ),
    _persona(
        "erased", 7, language="ug", choices={"name_in_delivery": "on", "show_first_name": "on"}
    ),
    # Their mail servers refuse: "451 try later" to each email, "550 no such user" for good.
    _persona("greylisted", 8, language="en", confirms=False),
    _persona("refused", 9, confirms=False, choices={"newsletter_opt_in": "on"}),
    # Confirmed and asked for news; their mailbox is closed afterwards: "550" to what follows.
    _persona("bounced", 10, language="en", choices={"newsletter_opt_in": "on"}),
]
# An address that signed nothing, typed into the form that asks for fresh withdrawal links.
STRANGER_EMAIL = "Secret-Stranger-7731@Example.org"
# What each persona's choices keep readable in a copy of the database, by design
# (petitions/sealing.py): a name they chose to make public or give to the authorities.
READABLE_IN_A_COPY = {
    "shown": {"first name"},
    "named": {"first name", "last name"},
}
# What a copy keeps in the clear, by design, of a signer whose confirmation email has not yet
# gone: all they typed, until their server takes the email (petitions/sealing.py seals a
# signature once its email has gone, or has been refused for good).
AWAITING_THEIR_EMAIL = {"greylisted": {"email", "first name", "last name", "postcode", "comment"}}
# What the running site reads besides: the address of a signer who asked for news, in a box
# whose key is in the site's environment, not in the database.
# (The signer whose confirmation was refused with 550 had asked for news too: a mailbox that
# does not exist is not kept for news.)
READABLE_BY_THE_SITE = READABLE_IN_A_COPY | {"news": {"email"}}


@dataclass
class CampaignRun:
    petition: Petition
    officer: Client
    exported_with_key: list[list[str]]
    exported_without_key: list[list[str]]
    wrong_key_page: str


class RefusingServer(LocmemBackend):
    """A mail server that answers as the greylisted, refused and bounced signers' servers do,
    quoting the address it refuses as real servers do."""

    closed: set[str] = set()  # mailboxes closed since their owner signed

    def send_messages(self, messages):
        for message in messages:
            [address] = message.to
            if address in RefusingServer.closed:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 <%s>: mailbox closed" % address.encode())}
                )
            if "greylisted" in address:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (451, b"4.7.1 Greylisted <%s>" % address.encode())}
                )
            if "refused" in address:
                raise smtplib.SMTPRecipientsRefused(
                    {address: (550, b"5.1.1 <%s> no such user" % address.encode())}
                )
        return super().send_messages(messages)


class LogRecords(logging.Handler):
    """Every record the site's processes make, at every level, as their handlers receive it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> bytes:
        return "\n".join(
            f"{record.name} {record.levelname} {record.getMessage()} {record.exc_text or ''}"
            f" {record.stack_info or ''}"
            for record in self.records
        ).encode()


def _emailed_link(address: str, name: str) -> str:
    for message in reversed(mail.outbox):
        if message.to == [address]:
            return re.search(rf"https?://[^/\s]+(\S*/petition/{name}/\S+/)", message.body).group(1)
    raise AssertionError(f"no email to {address}")


def emailed_tokens() -> set[str]:
    """Return the token of every secret link emailed: confirm, withdraw, unsubscribe, export."""
    tokens = set()
    for message in mail.outbox:
        texts = [
            message.body,
            *(content for content, _type in getattr(message, "alternatives", [])),
        ]
        for text in texts:
            tokens.update(
                re.findall(r"/(?:confirm|withdraw|unsubscribe|exports)/([^/\s\"'<>]{16,})/", text)
            )
    return tokens


def _sign(petition: Petition, persona: Persona) -> None:
    signer = Client()
    with translation.override(persona.language):
        sign_path = reverse("petitions:sign", kwargs={"slug": petition.slug})
    response = signer.post(
        sign_path,
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


def _update_send(petition: Petition) -> None:
    """Write, approve and send an update to the signers who asked for news."""
    writer = approver_create("camille")
    update = update_approved(petition=petition, writer=writer)
    sending.update_send_start(update=update, actor=writer)


def campaign_live() -> CampaignRun:
    """Run the campaign's life; return the petition, an officer's client and what they got."""
    target = address_approved(TargetFactory(email="embassy@embassy.test", language="fr"))
    petition = PetitionFactory(
        slug="liberez-mamat", targets=[target], asks_postcode=True, allows_comment=True
    )
    by_key = {persona.key: persona for persona in PERSONAS}
    refusing_server = f"{__name__}.{RefusingServer.__name__}"
    RefusingServer.closed = set()
    email_sending.connection_close()
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR, EMAIL_BACKEND=refusing_server):
        for persona in PERSONAS:
            _sign(petition, persona)
    email_sending.connection_close()
    RefusingServer.closed = {by_key["bounced"].email}
    # Uyghur is switched off: its signers are written to in French from now on.
    with override_settings(EMAIL_BACKEND=refusing_server):
        runs.deliveries_run(petition=petition)
        notices.delivery_notices_sweep()

        # The withdrawn signer uses their emailed link; a data officer erases the other on request.
        withdraw = _emailed_link(by_key["withdrawn"].email, "withdraw")
        # Their mail client first glued the next word to the link: the site logs a page not
        # found, by its path.
        assert Client().get(withdraw + "Merci/").status_code == 404
        assert Client().post(withdraw).status_code == 302
        officer = Client()
        logged_in_as(officer, DATA_OFFICERS)
        erased = officer.post(ERASE_URL, {"email": by_key["erased"].email, "confirm": "yes"})
        assert erased.status_code == 302

        # Fresh withdrawal links asked for: by a signer, by their greylisted neighbour, by the
        # withdrawn signer, and for an address that signed nothing.
        for address in (
            by_key["plain"].email.upper(),
            by_key["greylisted"].email,
            by_key["withdrawn"].email,
            STRANGER_EMAIL,
        ):
            asked = Client().post(
                reverse("petitions:withdrawal_links"),
                {"email": address},
                REMOTE_ADDR="203.0.113.99",
            )
            assert asked.status_code == 302, asked.content[:2000]
        _update_send(petition)
    email_sending.connection_close()
    # What the signers were sent: the links asked for, the delivery's notice and the update,
    # in French to the Uyghur signer now that Uyghur is off; nothing to the stranger.
    sent = [(message.to[0].lower(), message.subject) for message in mail.outbox]
    assert (by_key["plain"].email, "Votre lien pour retirer votre signature") in sent
    assert (by_key["news"].email, "Des nouvelles de Mamat") in sent
    assert any(to == by_key["news"].email and "a été remise" in subject for to, subject in sent)
    assert STRANGER_EMAIL.lower() not in {to for to, _subject in sent}

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


def _spellings(label: str, value: str) -> list[str]:
    """Return the forms a value may take in a copy: an address also as its mailbox's name
    alone and percent-encoded, as a log's query string or a server's reply may quote it."""
    if label != "email":
        return [value]
    return [value, value.split("@")[0], quote(value, safe="")]


def names_in(copy: bytes) -> dict[str, set[str]]:
    """Return, per persona, which of their personal values a copy holds in the clear."""
    text = copy.lower()
    found: dict[str, set[str]] = {}
    for persona in PERSONAS:
        for label, value in persona.personal_values().items():
            if any(spelling.lower().encode() in text for spelling in _spellings(label, value)):
                found.setdefault(persona.key, set()).add(label)
    return found


def secrets_in(copy: bytes, *, tokens: set[str]) -> set[str]:
    """Return what a copy holds that no copy may: a raw IP, a link's token, the stranger."""
    text = copy.lower()
    found = {token for token in tokens if token.lower().encode() in text}
    if b"203.0.113." in text:
        found.add("an IP address")
    if any(s.lower().encode() in text for s in _spellings("email", STRANGER_EMAIL)):
        found.add("the stranger's address")
    return found


def pending_signature() -> Signature:
    return Signature.objects.get(confirmed_at__isnull=True, email_status=Signature.EmailStatus.SENT)
