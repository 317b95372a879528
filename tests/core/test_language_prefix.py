"""French is at the root: an address with /fr/ in front, typed or edited from /en/, goes there."""

import pytest


@pytest.mark.parametrize(
    ("address", "destination"),
    [
        ("/fr/", "/"),
        ("/fr/camps/", "/camps/"),
        ("/fr/petition/liberez-mamat/?ref=Ab12cd34", "/petition/liberez-mamat/?ref=Ab12cd34"),
    ],
)
def test_the_french_prefix_leads_to_the_same_page_at_the_root(client, address, destination):
    response = client.get(address)

    assert response.status_code == 301
    assert response["Location"] == destination


@pytest.mark.parametrize("address", ["/fr//evil.example/", "/fr/\\evil.example/"])
def test_the_french_prefix_never_leads_off_the_site(client, address):
    response = client.get(address)

    assert response.status_code == 301
    assert response["Location"] == "/evil.example/"


def test_without_its_slash_the_prefix_is_given_one_then_goes_to_the_root(client, db):
    first = client.get("/fr")
    second = client.get(first["Location"])

    assert (first.status_code, first["Location"]) == (301, "/fr/")
    assert (second.status_code, second["Location"]) == (301, "/")
