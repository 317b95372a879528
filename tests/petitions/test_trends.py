"""A petition manager sees a surge as it happens, and is told once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from petitions import trends
from petitions.models import EmailDomainRule, TrendAlert
from tests.factories import SignatureFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

BOT_IP = "f" * 64


@pytest.fixture
def burst(petition):
    """In the last hour: 30 signatures from one network and one domain, among 20 others."""
    petition.trend_alert_threshold = 25
    petition.save()
    now = timezone.now()
    for index in range(30):
        SignatureFactory(
            petition=petition,
            ip_hash=BOT_IP,
            email_domain="bot.example",
            agent_family="script",
            created_at=now - timedelta(seconds=index),
        )
    for index in range(20):
        SignatureFactory(
            petition=petition,
            ip_hash=f"{index:064x}",
            email_domain="gmail.com",
            agent_family="Firefox",
            created_at=now - timedelta(minutes=index * 2),
        )
    # The usual pace: a signature an hour over the week before.
    for hours in range(4, 7 * 24, 1):
        SignatureFactory(petition=petition, created_at=now - timedelta(hours=hours))
    return petition


def test_a_burst_from_one_network_and_one_domain_shows_as_trending_with_its_share(burst):
    trending = trends.sources_trending(petition=burst)

    assert trending["ip_hash"][0] == trends.TrendingSource("ip_hash", BOT_IP, 30, 60)
    assert trending["email_domain"][0] == trends.TrendingSource(
        "email_domain", "bot.example", 30, 60
    )
    assert [source.value for source in trending["agent_family"]] == ["script", "Firefox"]
    # Single signers' fingerprints are below the threshold: never listed.
    assert len(trending["ip_hash"]) == 1


def test_the_rate_now_stands_against_the_usual_rate(burst):
    rate = trends.signature_rate(petition=burst)

    assert rate.last_hour == 50
    assert rate.last_ten_minutes_per_minute >= 3
    assert 0 < rate.usual_per_minute < 0.1


def test_a_burst_raises_one_alert_email_naming_both_sources_once(
    burst, mailoutbox, django_user_model
):
    manager = django_user_model.objects.create_user("manager", email="manager@example.org")
    manager.groups.add(Group.objects.get_or_create(name=PETITION_MANAGERS)[0])

    first = trends.trend_alerts_check()
    again = trends.trend_alerts_check()

    assert first == 2 and again == 0
    assert set(TrendAlert.objects.values_list("dimension", "value")) == {
        ("ip_hash", BOT_IP),
        ("email_domain", "bot.example"),
    }
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["manager@example.org"]
    assert "bot.example" in mailoutbox[0].body and BOT_IP[:12] in mailoutbox[0].body


def test_an_allowed_domain_raises_no_alert(burst, mailoutbox):
    EmailDomainRule.objects.create(domain="bot.example", kind=EmailDomainRule.Kind.ALLOW)

    trends.trend_alerts_check()

    assert list(TrendAlert.objects.values_list("dimension", flat=True)) == ["ip_hash"]


def test_the_dashboard_shows_the_surge_the_alert_and_a_way_to_invalidate_it(client, burst):
    logged_in_as(client, PETITION_MANAGERS)
    trends.trend_alerts_check()

    page = client.get(reverse("admin:petitions_petition_dashboard", args=[burst.pk]))
    html = page.content.decode()

    assert page.status_code == 200
    assert 'data-source="ip_hash"' in html and "bot.example" in html
    assert "email_domain=bot.example" in html
    alerts = [str(message) for message in page.context["messages"]]
    assert len(alerts) == 2 and all(alert.startswith("Alerte") for alert in alerts)


def test_a_surge_with_no_browser_named_reads_as_such_in_french(client, petition):
    now = timezone.now()
    for index in range(30):
        SignatureFactory(
            petition=petition, agent_family="none", created_at=now - timedelta(seconds=index)
        )
    logged_in_as(client, PETITION_MANAGERS)

    html = client.get(
        reverse("admin:petitions_petition_dashboard", args=[petition.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()

    family = html.split('data-source="agent_family"', 1)[1].split("</tr>", 1)[0]
    assert "<code>non fourni</code>" in family
    assert "<code>none</code>" not in html


def test_a_manager_reads_a_surge_of_over_a_thousand_grouped_in_french(client, petition):
    TrendAlert.objects.create(
        petition=petition,
        dimension=TrendAlert.Dimension.EMAIL_DOMAIN,
        value="bot.example",
        window_start=timezone.now() - timedelta(hours=1),
        count=1234,
        share=80,
    )
    logged_in_as(client, PETITION_MANAGERS)

    page = client.get(
        reverse("admin:petitions_petition_dashboard", args=[petition.pk]),
        headers={"accept-language": "fr"},
    )

    [alert] = [str(message) for message in page.context["messages"]]
    assert alert.startswith("Alerte\N{NO-BREAK SPACE}: 1\N{NO-BREAK SPACE}234 signatures")
