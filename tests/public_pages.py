"""Every page a member of the public can reach, rendered in each language, for site-wide checks."""

from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from petitions import signature_links, signing
from petitions.models import Petition, Signature

LANGUAGES_WITH_UYGHUR = [("fr", "French"), ("en", "English"), ("ug", "Uyghur")]
LANGUAGE_PREFIXES = {"fr": "", "en": "/en", "ug": "/ug"}
# The pages of content, as the e2e tests visit them.
CONTENT_PATHS = [
    "/",
    "/xinjiang/",
    "/camps/",
    "/contact/",
    "/privacy/",
    "/legal/",
    "/petition/liberez-mamat/",
    "/petition/liberez-mamat/deliveries/",
]
PUBLIC_PATHS = [
    *CONTENT_PATHS,
    "/petition/liberez-mamat/ledger/",
    "/petition/liberez-mamat/signed/",
    "/petition/withdrawn/",
    "/petition/withdrawal-link/",
    "/petition/withdrawal-link/sent/",
]


def _signature(
    petition: Petition, first_name: str, email: str, ip: str, *, shown: bool = False
) -> Signature:
    result = signing.signature_create(
        petition=petition,
        first_name=first_name,
        last_name="Tursun",
        email=email,
        country="FR",
        language="fr",
        ip_hash=signing.signer_ip_fingerprint(ip=ip),
        show_first_name=shown,
    )
    assert result.signature is not None
    return result.signature


def _delivery_sent(petition: Petition) -> None:
    """Record one delivery as sent, in the list of deliveries and in the ledger."""
    from deliveries.models import Delivery
    from petitions.ledger import ledger_delivery_record

    target = petition.targets.first()
    delivery = Delivery.objects.create(
        petition=petition,
        target=target,
        recipient_name=target.name,
        recipient_organisation=target.organisation,
        status=Delivery.Status.SENT,
        language="fr",
        reference="0" * 32,
        total_count=2,
        cumulative_count=2,
        letter_sha256="a" * 64,
        csv_sha256="b" * 64,
        sent_at=timezone.now(),
    )
    ledger_delivery_record(delivery_id=delivery.pk)


def _signer_paths() -> list[str]:
    """The pages a signer reaches from their emails: confirm, thank you, withdraw."""
    petition = Petition.objects.get(slug="liberez-mamat")
    waiting = _signature(petition, "Aynur", "aynur.pages@example.org", "203.0.113.8")
    # A name of one long word, shown in "They signed recently" on every page with the form:
    # it must wrap on a phone, not widen the page for every visitor.
    confirmed = _signature(
        petition,
        "Wolfeschlegelsteinhausenbergerdorffwelchevoralte",
        "ilham.pages@example.org",
        "203.0.113.9",
        shown=True,
    )
    confirmed_token = signature_links.confirmation_token_make(signature=confirmed)
    signing.signature_confirm(token=confirmed_token)
    waiting_token = signature_links.confirmation_token_make(signature=waiting)
    withdraw_token = signature_links.withdrawal_token_make(signature=confirmed)
    _delivery_sent(petition)
    return [
        reverse("petitions:confirm", kwargs={"token": waiting_token}),
        reverse("petitions:confirm", kwargs={"token": confirmed_token}),
        reverse("petitions:withdraw", kwargs={"token": withdraw_token}),
    ]


def public_urls() -> list[tuple[str, str]]:
    """Return (language, url) for every public page in fr, en and ug, signer pages included.

    Needs the Mamat campaign loaded (the `mamat_campaign` fixture); signs twice and records a
    delivery, so that the signer pages and the list of deliveries have something to show.
    """
    with translation.override("fr"):
        signer_paths = _signer_paths()
    return [
        (language, prefix + path)
        for language, prefix in LANGUAGE_PREFIXES.items()
        for path in PUBLIC_PATHS + signer_paths
    ]


def public_pages() -> dict[str, str]:
    """Return {"<language> <url>": html} for every page of public_urls(), with Uyghur on."""
    pages: dict[str, str] = {}
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        client = Client()
        for language, url in public_urls():
            response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            pages[f"{language} {url}"] = response.content.decode()
    return pages
