from petitions import (
    initial_content,
)
from petitions.models import Petition


def test_load_initial_creates_an_open_petition_to_a_placeholder_target_once(db):
    from campaign.services import campaign_load_initial

    campaign_load_initial()
    first = initial_content.petition_load_initial()
    again = initial_content.petition_load_initial()

    assert first.petition_created and not again.petition_created
    petition = Petition.objects.get()
    assert petition.is_open_for_signing()
    assert [target.email for target in petition.targets.all()] == [
        "delivery-target@example.invalid"
    ]


def test_load_initial_never_overwrites_what_staff_edited(mamat_campaign):
    initial_content.petition_load_initial()
    petition = Petition.objects.get()
    petition.targets.update(email="real@embassy.example")
    Petition.objects.filter(pk=petition.pk).update(title_fr="Titre de l'équipe")

    initial_content.petition_load_initial()

    petition.refresh_from_db()
    assert petition.title_fr == "Titre de l'équipe"
    assert [target.email for target in petition.targets.all()] == ["real@embassy.example"]
