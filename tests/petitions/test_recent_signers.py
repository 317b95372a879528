from petitions import (
    recent_signers,
)


def test_recent_signers_show_only_those_who_asked_with_first_name_and_country(
    sign, confirm, petition
):
    confirm(sign(email="shown@example.org", first_name="Aynur", show_first_name=True).signature)
    confirm(sign(email="hidden@example.org", first_name="Secret").signature)
    sign(email="pending@example.org", first_name="Pending", show_first_name=True)

    signers = recent_signers.signers_recent(petition=petition)

    assert [(s.first_name, s.country_name) for s in signers] == [("Aynur", "France")]
