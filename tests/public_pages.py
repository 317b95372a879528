"""Every page a member of the public can reach, rendered in each language, for site-wide checks."""

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from petitions import signature_links, signing
from petitions.models import Petition

LANGUAGES_WITH_UYGHUR = [("fr", "French"), ("en", "English"), ("ug", "Uyghur")]
LANGUAGE_PREFIXES = {"fr": "", "en": "/en", "ug": "/ug"}
CONTENT_PATHS = [
    "/",
    "/xinjiang/",
    "/camps/",
    "/privacy/",
    "/legal/",
    "/petition/liberez-mamat/",
    "/petition/liberez-mamat/deliveries/",
    "/petition/liberez-mamat/signed/",
    "/petition/withdrawn/",
]


def _signer_paths() -> list[str]:
    """The pages a signer reaches from their emails: confirm, thank you, withdraw."""
    petition = Petition.objects.get(slug="liberez-mamat")
    waiting = signing.signature_create(
        petition=petition,
        first_name="Aynur",
        last_name="Tursun",
        email="aynur.pages@example.org",
        country="FR",
        language="fr",
        ip_hash=signing.signer_ip_fingerprint(ip="203.0.113.8"),
    ).signature
    confirmed = signing.signature_create(
        petition=petition,
        first_name="Ilham",
        last_name="Tohti",
        email="ilham.pages@example.org",
        country="BE",
        language="fr",
        ip_hash=signing.signer_ip_fingerprint(ip="203.0.113.9"),
    ).signature
    confirmed_token = signature_links.confirmation_token_make(signature=confirmed)
    signing.signature_confirm(token=confirmed_token)
    waiting_token = signature_links.confirmation_token_make(signature=waiting)
    withdraw_token = signature_links.withdrawal_token_make(signature=confirmed)
    return [
        reverse("petitions:confirm", kwargs={"token": waiting_token}),
        reverse("petitions:confirm", kwargs={"token": confirmed_token}),
        reverse("petitions:withdraw", kwargs={"token": withdraw_token}),
    ]


def public_pages() -> dict[str, str]:
    """Return {"<language> <path>": html} for every public page in fr, en and ug.

    Needs the Mamat campaign loaded (the `mamat_campaign` fixture).
    """
    pages: dict[str, str] = {}
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        with translation.override("fr"):
            signer_paths = _signer_paths()
        client = Client()
        for language, prefix in LANGUAGE_PREFIXES.items():
            for path in CONTENT_PATHS + signer_paths:
                url = prefix + path
                response = client.get(url)
                assert response.status_code == 200, f"{url} answered {response.status_code}"
                pages[f"{language} {url}"] = response.content.decode()
    return pages
