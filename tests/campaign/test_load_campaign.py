from io import StringIO

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


def test_load_campaign_tells_in_the_site_s_language_what_it_created(db, site_language):
    first, second = StringIO(), StringIO()

    call_command("load_campaign", stdout=first)
    call_command("load_campaign", stdout=second)

    assert first.getvalue().splitlines() == [
        "Campagne\N{NO-BREAK SPACE}: campagne créée\N{NO-BREAK SPACE}; 6 pages créées, "
        "4 appels à l'action créés.",
        "Pétitions\N{NO-BREAK SPACE}: pétition créée, 1 cible créée.",
        "Remises\N{NO-BREAK SPACE}: lettre et calendrier de remise (en pause jusqu'à ce que "
        "l'adresse de la cible soit approuvée) créés.",
    ]
    assert second.getvalue().splitlines() == [
        "Campagne\N{NO-BREAK SPACE}: campagne déjà présente\N{NO-BREAK SPACE}; 0 page créée, "
        "0 appel à l'action créé.",
        "Pétitions\N{NO-BREAK SPACE}: pétition déjà présente (ou aucune campagne).",
        "Remises\N{NO-BREAK SPACE}: lettre et calendrier de remise déjà présents.",
    ]


def test_load_campaign_gives_french_written_with_plain_spaces_the_staff_s_typography(
    db, monkeypatch
):
    from campaign import content

    sign, *others = content.CALLS_TO_ACTION
    typed = {
        **sign,
        "title": {"fr": "Signez : « maintenant » !", "en": "Sign now !"},
        "url": {"fr": "/petition/liberez-mamat/?de=accueil", "en": "/en/petition/"},
    }
    monkeypatch.setattr(content, "CALLS_TO_ACTION", [typed, *others])

    call_command("load_campaign", stdout=StringIO())

    call = CallToAction.objects.get(kind="sign")
    assert call.title_fr == "Signez\u202f: «\u202fmaintenant\u202f»\u202f!"
    assert (call.title_en, call.url_fr) == ("Sign now !", "/petition/liberez-mamat/?de=accueil")
