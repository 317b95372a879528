"""Email domains staff allow or block, and the disposable ones a maintained package lists.

A signature from a blocked or a disposable domain is kept but flagged for review; an allowed
domain is never flagged for its domain nor limited per domain. Only the domain is read, never
the address.

The rules are read from the database at most every RULES_SECONDS in each process: signing
must not pay a query for them, and a rule staff add reaches every worker within that time.
"""

import time
from dataclasses import dataclass

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.utils.translation import gettext_noop

from petitions.models import EmailDomainRule
from petitions.review import status_reason_in_site_language

RULES_SECONDS = 30.0
_rules: dict[str, str] = {}
_rules_read_at = float("-inf")


@dataclass(frozen=True)
class DomainVerdict:
    """What the domain of a signer's address means for their signature."""

    allowed: bool = False
    flag_reason: str = ""


def email_domain_of(email: str) -> str:
    """Return the domain of an address, lower-cased, without a trailing dot."""
    return email.strip().rpartition("@")[2].lower().rstrip(".")


def email_domain_rules_forget() -> None:
    """Read the rules again on the next signature (after staff changed them)."""
    global _rules_read_at
    _rules_read_at = float("-inf")


def _domain_rules() -> dict[str, str]:
    global _rules, _rules_read_at
    if time.monotonic() - _rules_read_at > RULES_SECONDS:
        _rules = dict(EmailDomainRule.objects.values_list("domain", "kind"))
        _rules_read_at = time.monotonic()
    return _rules


def email_domain_is_disposable(domain: str) -> bool:
    """Return whether the domain, or a domain it is under, gives out disposable addresses."""
    parts = domain.split(".")
    return any(".".join(parts[index:]) in DISPOSABLE_DOMAINS for index in range(len(parts) - 1))


def email_domain_verdict(domain: str) -> DomainVerdict:
    """Return whether a domain is allowed, or why a signature from it is flagged."""
    kind = _domain_rules().get(domain)
    if kind == EmailDomainRule.Kind.ALLOW:
        return DomainVerdict(allowed=True)
    if kind == EmailDomainRule.Kind.BLOCK:
        blocked = gettext_noop("Email domain blocked by staff")
        return DomainVerdict(flag_reason=status_reason_in_site_language(blocked))
    if email_domain_is_disposable(domain):
        disposable = gettext_noop("Disposable email address")
        return DomainVerdict(flag_reason=status_reason_in_site_language(disposable))
    return DomainVerdict()
