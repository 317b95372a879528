"""A slip in the domain of a signer's address, caught before its confirmation email is lost.

"aynur@gmial.com" signs, never gets the link, and is never counted. When the domain is one
keystroke (a letter missing, added, wrong, or two swapped) away from one of the mail
providers most signers use, and is not one of them, the form asks once whether the signer
meant that provider. A signer whose address is right as typed sends the form again.

The providers are indexed by their one-letter deletions (as SymSpell does): a domain is
compared with the few providers that share one of its deletions, never with the whole list,
so that checking an address costs a dozen dictionary lookups.
"""

import functools
from collections import defaultdict

# Where most signers of a campaign run from France have their mailbox: the big providers,
# France's, and those of the countries the Uyghur diaspora lives in.
MAIL_PROVIDERS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.fr",
        "ymail.com",
        "hotmail.com",
        "hotmail.fr",
        "outlook.com",
        "outlook.fr",
        "live.com",
        "live.fr",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "pm.me",
        "tutanota.com",
        "mail.com",
        "gmx.com",
        "gmx.fr",
        "gmx.de",
        "web.de",
        "t-online.de",
        "orange.fr",
        "wanadoo.fr",
        "free.fr",
        "sfr.fr",
        "neuf.fr",
        "laposte.net",
        "bbox.fr",
        "skynet.be",
        "bluewin.ch",
        "yandex.ru",
        "yandex.com",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
    }
)


def _deletions(word: str) -> set[str]:
    return {word[:index] + word[index + 1 :] for index in range(len(word))}


@functools.cache
def _providers_by_deletion() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for provider in MAIL_PROVIDERS:
        for variant in _deletions(provider) | {provider}:
            index[variant].add(provider)
    return {variant: frozenset(providers) for variant, providers in index.items()}


def _one_keystroke_apart(typed: str, provider: str) -> bool:
    """Return whether one letter missing, added, replaced, or two swapped, make the change."""
    if abs(len(typed) - len(provider)) > 1:
        return False
    if len(typed) == len(provider):
        pairs = enumerate(zip(typed, provider, strict=True))
        differences = [index for index, (a, b) in pairs if a != b]
        if len(differences) == 1:
            return True  # one letter wrong
        if len(differences) != 2 or differences[1] != differences[0] + 1:
            return False
        first, second = differences  # two letters side by side: swapped?
        return typed[first] == provider[second] and typed[second] == provider[first]
    shorter, longer = sorted((typed, provider), key=len)
    return shorter in _deletions(longer)


def email_domain_suggestion(email: str) -> str:
    """Return the address with the provider the signer likely meant, or "" if none stands out."""
    local, at, domain = email.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not at or not local or domain in MAIL_PROVIDERS:
        return ""
    index = _providers_by_deletion()
    candidates: set[str] = set()
    for variant in _deletions(domain) | {domain}:
        candidates |= index.get(variant, frozenset())
    meant = [provider for provider in candidates if _one_keystroke_apart(domain, provider)]
    # Two providers as close as each other: better to ask nothing than to guess.
    return f"{local}@{meant[0]}" if len(meant) == 1 else ""
