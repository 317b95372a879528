"""What identifies a mailbox: one signature per person, whatever the letter case or alias."""

import contextlib
import re

from django.conf import settings

from core.keyed_hashes import keyed_hash

# Plus addressing and dots are the same mailbox at these providers: one signature per person.
EMAIL_DOMAINS_IGNORING_DOTS = {"gmail.com", "googlemail.com"}
EMAIL_DOMAINS_WITH_PLUS_TAGS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "fastmail.com",
}


def email_domain_normalize(domain: str) -> str:
    """Return a domain in lower case, without its final dot, in ASCII (IDNA)."""
    domain = domain.lower().rstrip(".")
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return "gmail.com" if domain == "googlemail.com" else domain


def email_for_reading(email: str) -> str:
    """Return an address with its internationalised domain in letters, as people write it.

    A browser sends the domain of an email field in its ASCII form: "exämple.fr" arrives as
    "xn--exmple-cua.fr", which no one recognises on a page asking "is this the person?".
    """
    local, _, domain = email.rpartition("@")
    try:
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:
        return email


def email_normalize(email: str) -> str:
    """Return the form of an address that identifies a mailbox, whatever its letter case."""
    local, _, domain = email.strip().rpartition("@")
    local, domain = local.lower(), email_domain_normalize(domain)
    if domain in EMAIL_DOMAINS_WITH_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in EMAIL_DOMAINS_IGNORING_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def mailbox_strict(email: str) -> str:
    """Return the strictest form of an address: what one person's inbox may be reached by.

    Stricter than `email_normalize`, and used only to cap how much mail one inbox is sent: a
    quoted local part is unquoted, and whatever the domain, a +tag is dropped and dots are
    ignored, since many providers deliver "v.i.c.t.i.m+1@" to "victim@".
    """
    local, _, domain = email.strip().rpartition("@")
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = re.sub(r"\\(.)", r"\1", local[1:-1])
    local = local.lower().split("+", 1)[0].replace(".", "")
    return f"{local}@{email_domain_normalize(domain)}"


def mailbox_hash(email: str) -> str:
    """Return the keyed hash of a mailbox that the site keeps instead of the address.

    One signature per mailbox, and erasure by address, compare this; it names no one to
    whoever lacks SIGNER_MAILBOX_KEY.
    """
    return keyed_hash(email_normalize(email), key=settings.SIGNER_MAILBOX_KEY, purpose="mailbox")


def mailbox_fingerprint(email: str) -> str:
    """Return a keyed hash of the strict form of an address: it counts mail, names no one."""
    return keyed_hash(
        mailbox_strict(email), key=settings.SIGNER_MAILBOX_KEY, purpose="mailbox-daily-sends"
    )
