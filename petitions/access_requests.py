"""A signer asks what the site holds about them (GDPR art. 15): a data officer's answer.

The person is found by their address as erasure finds them (the same mailbox, the same
permission), and the answer is one plain UTF-8 text, in the language the data officer chooses
or the signer's own: each of their signatures with what they gave, what they chose and when,
its dates, the emails sent to them and the deliveries that gave their name to the
authorities. Nothing of anyone else, and no internal secret (links' ids, share codes, keyed
hashes): the text says such values exist. The page shows the same text the file holds.

What was sealed to the data officers' key (petitions/sealing.py) is not readable by the
running site: the text says what was sealed and when, and shows what is still readable.

Every look-up and every file is trailed with a keyed hash of the address, never the address.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext, ngettext

from core.actors import Actor
from core.admin_mixins import language_name
from core.secret_boxes import SecretBoxUnreadable
from core.served_languages import email_language
from petitions.agent_families import agent_family_label
from petitions.country_counts import country_label
from petitions.erasure import email_fingerprint
from petitions.mailboxes import email_for_reading, email_normalize, mailbox_hash
from petitions.models import Signature
from petitions.sealing import news_address_open
from petitions.selectors import signatures_named_deliveries, signatures_of_person
from staff.access_trail import access_event_record
from staff.models import AccessEvent

# Chosen by the data officer: the language of each person's own signatures.
SIGNERS_OWN_LANGUAGE = ""


@dataclass(frozen=True)
class SignerEmail:
    """One email the site sent a signer: when, and what kind, worded in the active language."""

    signature_id: int
    sent_at: datetime
    kind: str


def signer_emails_sent(*, signatures: list[Signature]) -> list[SignerEmail]:
    """Return the emails sent to these signatures, the oldest first, worded in the active
    language: the confirmation and the reminder, and those each app above petitions sent (it
    names its reader on its AppConfig, `signer_emails_readers`: delivery notices, updates)."""
    sent: list[SignerEmail] = []
    for signature in signatures:
        if signature.confirmation_sent_at is not None:
            # The row keeps when the last one went and how many went, not each one's time.
            kind = ngettext(
                "Asking you to confirm your signature",
                "Asking you to confirm your signature (sent %(count)s times, the last one here)",
                signature.confirmation_send_count,
            ) % {"count": signature.confirmation_send_count}
            sent.append(SignerEmail(signature.pk, signature.confirmation_sent_at, kind))
        if signature.reminded_at is not None:
            sent.append(
                SignerEmail(
                    signature.pk,
                    signature.reminded_at,
                    gettext("Reminding you to confirm your signature"),
                )
            )
    for app_config in apps.get_app_configs():
        for reader in getattr(app_config, "signer_emails_readers", ()):
            read: Callable[..., list[SignerEmail]] = import_string(reader)
            sent.extend(read(signature_ids=[signature.pk for signature in signatures]))
    return sorted(sent, key=lambda email: email.sent_at)


@dataclass(frozen=True)
class SignatureHeld:
    """One signature of the person, with what the site sent and gave away about it."""

    signature: Signature
    emails: list[SignerEmail]
    named_deliveries: list[Mapping[str, Any]]


def person_signatures(*, email: str) -> list[Signature]:
    """Return the signatures of the person of this address, the oldest first; none erased or
    withdrawn (none is left to hold)."""
    return list(
        signatures_of_person(mailbox_hash=mailbox_hash(email))
        .select_related("petition")
        .order_by("created_at", "pk")
    )


def signatures_held(*, signatures: list[Signature]) -> list[SignatureHeld]:
    """Return what the site holds about a person, signature by signature, in their order."""
    emails = signer_emails_sent(signatures=signatures)
    return [
        SignatureHeld(
            signature=signature,
            emails=[sent for sent in emails if sent.signature_id == signature.pk],
            named_deliveries=signatures_named_deliveries(
                signatures=Signature.objects.filter(pk=signature.pk)
            ),
        )
        for signature in signatures
    ]


def access_answer_language(*, signatures: list[Signature], chosen: str) -> str:
    """Return the language to answer in: the one chosen, else the one of the person's latest
    signature (`signatures` the oldest first), if the site serves it."""
    if chosen:
        return chosen
    return email_language(person_language=signatures[-1].language if signatures else None)


def _when(moment: datetime | None) -> str:
    if moment is None:
        return gettext("never")
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _yes_no(value: bool) -> str:
    return gettext("yes") if value else gettext("no")


def _address_readable(signature: Signature) -> str:
    """Return the address the row can still be read with, by the running site: in the clear,
    or in the box it keeps to send news; "" once only the sealed copy holds it."""
    if signature.email:
        return signature.email
    try:
        return news_address_open(signature.news_address)
    except SecretBoxUnreadable:
        return ""


def _signature_lines(number: int, held: SignatureHeld) -> list[str]:
    signature = held.signature
    sealed = gettext("sealed (see below)") if signature.sealed_at else gettext("(left blank)")
    address = _address_readable(signature)
    lines = [
        gettext("%(number)s. Petition: “%(title)s”")
        % {"number": number, "title": signature.petition.title},
        "",
        "   " + gettext("What you gave"),
        "     " + gettext("First name: %(value)s") % {"value": signature.first_name or sealed},
        "     " + gettext("Last name: %(value)s") % {"value": signature.last_name or sealed},
        "     "
        + gettext("Email address: %(value)s")
        % {"value": email_for_reading(address) if address else sealed},
        "     " + gettext("Country: %(value)s") % {"value": country_label(str(signature.country))},
    ]
    if signature.postcode or signature.petition.asks_postcode:
        lines.append(
            "     " + gettext("Postcode: %(value)s") % {"value": signature.postcode or sealed}
        )
    if signature.comment or signature.petition.allows_comment:
        lines.append(
            "     " + gettext("Comment: %(value)s") % {"value": signature.comment or sealed}
        )
    lines += [
        "     " + gettext("Language: %(value)s") % {"value": language_name(signature.language)},
        "     " + gettext("Signed: %(value)s") % {"value": signature.get_source_display()},
    ]
    if signature.agent_family:
        lines.append(
            "     "
            + gettext("Browser family (never the browser itself): %(value)s")
            % {"value": agent_family_label(signature.agent_family)}
        )
    lines += [
        "",
        "   " + gettext("Your choices"),
        "     "
        + gettext("Agreed on %(when)s, to the privacy notice in its version %(version)s")
        % {"when": _when(signature.consented_at), "version": signature.privacy_notice_version},
        "     "
        + gettext("Your first name shown among the latest signers: %(value)s")
        % {"value": _yes_no(signature.show_first_name)},
        "     "
        + gettext("Your name given to the authorities with the petition: %(value)s")
        % {"value": _yes_no(signature.name_in_delivery)},
        "     "
        + gettext("News from the campaign by email: %(value)s")
        % {"value": _yes_no(signature.newsletter_opt_in)},
    ]
    if signature.name_review != Signature.NameReview.LISTED:
        lines.append(
            "     "
            + gettext("Whatever you chose, your name is not said: %(reason)s")
            % {"reason": signature.get_name_review_display()}
        )
    lines += [
        "",
        "   " + gettext("Status and dates"),
        "     " + gettext("Status: %(value)s") % {"value": signature.get_status_display()},
        "     " + gettext("Signed on: %(when)s") % {"when": _when(signature.created_at)},
        "     " + gettext("Confirmed on: %(when)s") % {"when": _when(signature.confirmed_at)},
    ]
    if signature.sealed_at:
        lines.append(
            "     " + gettext("Sealed on: %(when)s") % {"when": _when(signature.sealed_at)}
        )
    lines += ["", "   " + gettext("Emails we sent you")]
    lines += [
        "     " + gettext("%(when)s: %(kind)s") % {"when": _when(sent.sent_at), "kind": sent.kind}
        for sent in held.emails
    ] or ["     " + gettext("None")]
    lines += ["", "   " + gettext("Your name given to the authorities")]
    lines += [
        "     "
        + gettext("%(when)s: to %(recipient)s")
        % {"when": _when(delivery["sent_at"]), "recipient": delivery["recipient"]}
        for delivery in held.named_deliveries
    ] or ["     " + gettext("Never")]
    return lines


def access_answer_text(*, email: str, held: list[SignatureHeld], language: str) -> str:
    """Write the answer to the person, in `language`: a plain text they can read anywhere."""
    with translation.override(language):
        lines = [
            gettext("What the campaign holds about you"),
            "",
            gettext("Email address you asked about: %(email)s")
            % {"email": email_for_reading(email.strip())},
            gettext("Written on %(when)s") % {"when": _when(timezone.now())},
            "",
        ]
        if not held:
            lines.append(gettext("We hold no signature given with this address."))
            return "\n".join(lines) + "\n"
        lines += [
            ngettext(
                "We hold %(count)s signature given with this address.",
                "We hold %(count)s signatures given with this address.",
                len(held),
            )
            % {"count": len(held)},
            "",
        ]
        for number, one in enumerate(held, start=1):
            lines += [*_signature_lines(number, one), ""]
        if any(one.signature.sealed_at for one in held):
            lines += [
                gettext(
                    "Sealed: once the site no longer needed them, your email address, names, "
                    "postcode and comment were sealed with a key the site does not hold. Only "
                    "those still readable are shown above; the data officers can open the "
                    "sealed copy if you ask."
                ),
                "",
            ]
        lines.append(
            gettext(
                "We also keep technical values that let the site work without reading your "
                "data: the codes in the links we emailed you, your share code, and keyed "
                "fingerprints of your email address and of your network's address. They name "
                "no one and cannot be turned back into your data by us."
            )
        )
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AccessAnswer:
    """What a data officer reads, and may send to the person."""

    signatures: int
    language: str
    text: str


def _access_answer(*, email: str, language: str) -> AccessAnswer:
    signatures = person_signatures(email=email)
    language = access_answer_language(signatures=signatures, chosen=language)
    # The emails sent are worded as they are read: in the answer's language too.
    with translation.override(language):
        held = signatures_held(signatures=signatures)
    text = access_answer_text(email=email, held=held, language=language)
    return AccessAnswer(signatures=len(held), language=language, text=text)


def signer_access_lookup(
    *, email: str, language: str, actor: Actor, ip_hmac: str = ""
) -> AccessAnswer:
    """Return what the site holds about the person of this address; the look-up is trailed,
    with a keyed hash of the address, never the address."""
    answer = _access_answer(email=email, language=language)
    _access_answer_trail(
        answer,
        email=email,
        actor=actor,
        ip_hmac=ip_hmac,
        action=AccessEvent.Action.SEARCHED_SIGNATURES,
        note=AccessEvent.Note.ACCESS_REQUEST_LOOKUP,
    )
    return answer


def signer_access_file_write(
    *, email: str, language: str, actor: Actor, ip_hmac: str = ""
) -> AccessAnswer:
    """Return the file for the person of this address; handing it over is trailed, with a
    keyed hash of the address, never the address."""
    answer = _access_answer(email=email, language=language)
    _access_answer_trail(
        answer,
        email=email,
        actor=actor,
        ip_hmac=ip_hmac,
        action=AccessEvent.Action.EXPORTED_SIGNATURES,
        note=AccessEvent.Note.ACCESS_REQUEST_FILE,
        language=answer.language,
    )
    return answer


def _access_answer_trail(
    answer: AccessAnswer,
    *,
    email: str,
    actor: Actor,
    ip_hmac: str,
    action: AccessEvent.Action,
    note: AccessEvent.Note,
    **query: str,
) -> None:
    access_event_record(
        actor=actor,
        action=action,
        target=Signature._meta.label,
        note=note,
        query={"email_hmac": email_fingerprint(email_normalize(email)), **query},
        row_count=answer.signatures,
        ip_hmac=ip_hmac,
    )
