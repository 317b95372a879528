from django.core.management import call_command
from django.utils import translation

from campaign.models import CallToAction, Page


def test_load_campaign_creates_the_case_context_and_legal_pages(db):
    call_command("load_campaign")

    assert set(Page.objects.published().values_list("slug", "kind")) == {
        ("mamat", "case"),
        ("xinjiang", "context"),
        ("camps", "context"),
        ("privacy", "privacy"),
    }
    # Without the publisher, director and host the law requires, and a contact address,
    # these wait as drafts for staff to fill them in.
    assert set(Page.objects.filter(status=Page.Status.DRAFT).values_list("slug", "kind")) == {
        ("legal", "legal_notice"),
        ("contact", "contact"),
    }
    assert set(CallToAction.objects.values_list("kind", flat=True)) == {
        "sign",
        "demand_care",
        "demand_information",
        "share",
    }


def test_load_campaign_twice_changes_nothing(db):
    call_command("load_campaign")
    snapshot = list(Page.objects.order_by("pk").values())

    call_command("load_campaign")

    assert list(Page.objects.order_by("pk").values()) == snapshot
    assert CallToAction.objects.count() == 4


def test_load_campaign_never_overwrites_what_staff_edited(db):
    call_command("load_campaign")
    Page.objects.filter(slug="mamat").update(title_fr="Titre choisi par l'équipe")

    call_command("load_campaign")

    with translation.override("fr"):
        assert Page.objects.get(slug="mamat").title == "Titre choisi par l'équipe"
