"""What identifies a mailbox: one signature per person, whatever the letter case or alias."""

import contextlib

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


def email_normalize(email: str) -> str:
    """Return the form of an address that identifies a mailbox, whatever its letter case."""
    local, _, domain = email.strip().rpartition("@")
    local, domain = local.lower(), email_domain_normalize(domain)
    if domain in EMAIL_DOMAINS_WITH_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in EMAIL_DOMAINS_IGNORING_DOTS:
        local = local.replace(".", "")
    return f"{local}@{domain}"
