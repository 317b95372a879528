"""Signatures from disposable or blocked email domains wait for review; allowed ones do not."""

import pytest
from django.test import override_settings

from petitions.email_domains import email_domain_rules_forget, email_domain_verdict
from petitions.models import EmailDomainRule, Signature


@pytest.fixture(autouse=True)
def _rules_read_afresh():
    email_domain_rules_forget()
    yield
    email_domain_rules_forget()


def test_a_disposable_domain_is_flagged_with_its_reason(sign):
    signature = sign(email="someone@mailinator.com").signature

    assert signature.status == Signature.Status.FLAGGED
    assert signature.status_reason == "Adresse e-mail jetable"
    assert signature.email_domain == "mailinator.com"


def test_a_subdomain_of_a_disposable_domain_is_flagged_too(db):
    assert email_domain_verdict("inbox.mailinator.com").flag_reason
    assert not email_domain_verdict("gmail.com").flag_reason


def test_a_domain_staff_block_is_flagged_and_one_they_allow_is_neither_flagged_nor_limited(sign):
    EmailDomainRule.objects.create(domain="bot.example", kind=EmailDomainRule.Kind.BLOCK)
    EmailDomainRule.objects.create(domain="mailinator.com", kind=EmailDomainRule.Kind.ALLOW)
    EmailDomainRule.objects.create(domain="university.example", kind=EmailDomainRule.Kind.ALLOW)
    email_domain_rules_forget()

    blocked = sign(email="a@bot.example").signature
    allowed = sign(email="b@mailinator.com").signature
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN=1, SIGNATURE_RATE_LIMIT_PER_IP_HASH=0
    ):
        campus = [
            sign(email=f"student{n}@university.example", ip_hash="").signature for n in range(3)
        ]

    assert blocked.status == Signature.Status.FLAGGED
    assert blocked.status_reason == "Domaine e-mail bloqué par l'équipe"
    assert allowed.status == Signature.Status.PENDING
    assert {signature.status for signature in campus} == {Signature.Status.PENDING}


def test_only_the_family_of_the_browser_is_kept(client, petition):
    client.post(
        petition.get_absolute_url() + "sign/",
        {
            "first_name": "Aynur",
            "last_name": "Tursun",
            "email": "aynur@example.org",
            "country": "FR",
            "consent": "on",
        },
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    )

    signature = Signature.objects.get()
    assert signature.agent_family == "Firefox"
    # Nothing else of the user agent is stored: no version, no system, no engine. Each value is
    # searched on its own, for traces that a hash or a sealed value cannot hold by chance.
    stored = [str(value) for value in Signature.objects.values().get().values()]
    for trace in ("rv:128", "Firefox/128", "X11", "Linux", "Gecko"):
        assert not [value for value in stored if trace in value], trace
