import re

import pytest
from django.core import signing as django_signing
from django.test import override_settings

from petitions import (
    signature_links,
    signing,
)
from petitions.models import Signature
from tests.public_pages import LANGUAGES_WITH_UYGHUR


def test_a_tampered_confirmation_link_confirms_nothing(sign):
    signature = sign().signature
    token = signature_links.confirmation_token_make(signature=signature)

    with pytest.raises(signature_links.SignatureLinkInvalid):
        signing.signature_confirm(token=token[:-2] + "xx")
    with pytest.raises(signature_links.SignatureLinkInvalid):
        # A withdrawal link is not a confirmation link.
        signing.signature_confirm(token=signature_links.withdrawal_token_make(signature=signature))

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_an_expired_confirmation_link_confirms_nothing(sign):
    signature = sign().signature
    token = signature_links.confirmation_token_make(signature=signature)

    with (
        override_settings(SIGNATURE_CONFIRMATION_MAX_AGE=-1),
        pytest.raises(signature_links.SignatureLinkExpired),
    ):
        signing.signature_confirm(token=token)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_the_confirmation_link_carries_no_row_number(sign):
    signature = sign().signature

    payload = django_signing.loads(
        signature_links.confirmation_token_make(signature=signature),
        salt=signature_links.CONFIRM_SALT,
    )

    assert payload == str(signature.public_id)


def test_a_withdrawal_link_expires_after_a_year_and_says_what_to_do(
    sign, settings, client, monkeypatch
):
    import time as time_module

    from django.core import signing as django_signing_module

    signature = sign().signature
    year_ago = time_module.time() - settings.SIGNATURE_WITHDRAW_LINK_MAX_AGE - 60
    monkeypatch.setattr(django_signing_module.time, "time", lambda: year_ago)
    old_token = signature_links.withdrawal_token_make(signature=signature)
    monkeypatch.undo()

    with pytest.raises(signature_links.SignatureLinkExpired):
        signature_links.signature_for_withdrawal(token=old_token)
    page = client.get(f"/petition/withdraw/{old_token}/")
    assert page.status_code == 400
    assert "fonctionnent un an" in page.content.decode()
    # A fresh link, as every email carries, still works.
    fresh = signature_links.withdrawal_token_make(signature=signature)
    assert signature_links.signature_for_withdrawal(token=fresh) == signature


def test_an_expired_confirmation_link_sends_the_signer_back_to_the_petitions_form(
    sign, petition, settings, client
):
    token = signature_links.confirmation_token_make(signature=sign().signature)
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1

    page = client.get(f"/petition/confirm/{token}/").content.decode()

    assert "Ce lien a expiré" in page
    assert f'href="{petition.get_absolute_url()}#act-sign">Signer à nouveau</a>' in page


def test_an_expired_link_to_a_closed_petition_offers_no_form_but_the_way_home(
    sign, petition, settings, client
):
    token = signature_links.confirmation_token_make(signature=sign().signature)
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1
    petition.status = petition.Status.CLOSED
    petition.save()

    page = client.get(f"/petition/confirm/{token}/").content.decode()

    assert "Signer à nouveau" not in page
    assert 'href="/"' in page


def test_an_old_confirmation_link_to_a_confirmed_signature_says_there_is_nothing_to_do(
    sign, confirm, petition, settings, client
):
    # Signing again sends a confirmed signer nothing: the page must not ask them to.
    signature = sign().signature
    confirm(signature)
    token = signature_links.confirmation_token_make(signature=signature)
    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1

    page = client.get(f"/petition/confirm/{token}/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Votre signature est déjà confirmée" in text
    assert "Signer à nouveau" not in text
    assert f'href="{petition.get_absolute_url()}"' in text
    # Pressing the button of a page opened before the link expired says the same.
    assert "déjà confirmée" in client.post(f"/petition/confirm/{token}/").content.decode()


def test_an_old_withdrawal_link_of_a_confirmed_signature_still_says_it_expired(
    sign, confirm, settings, client
):
    signature = sign().signature
    confirm(signature)
    token = signature_links.withdrawal_token_make(signature=signature)
    settings.SIGNATURE_WITHDRAW_LINK_MAX_AGE = -1

    page = client.get(f"/petition/withdraw/{token}/").content.decode()

    assert "déjà confirmée" not in page
    assert "fonctionnent un an" in page


def _title_and_heading(html: str) -> tuple[str, str]:
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    return " ".join(title.split()), " ".join(heading.split())


def test_the_tab_of_a_link_page_says_what_its_heading_says_not_that_the_link_is_broken(
    sign, confirm, settings, client
):
    # A screen reader reads the title first; a signer with many tabs sees nothing else.
    confirmed = sign().signature
    confirm(confirmed)
    old_link = f"/petition/confirm/{signature_links.confirmation_token_make(signature=confirmed)}/"
    withdrawn = sign(email="withdrawn@example.org").signature
    gone_link = f"/petition/confirm/{signature_links.confirmation_token_make(signature=withdrawn)}/"
    withdrawn.delete()

    title, heading = _title_and_heading(client.get(gone_link).content.decode())
    assert heading == "Cette signature a été retirée"
    assert title.startswith(f"{heading} · ")

    settings.SIGNATURE_CONFIRMATION_MAX_AGE = -1
    title, heading = _title_and_heading(client.get(old_link).content.decode())
    assert heading == "Votre signature est déjà confirmée"
    assert title.startswith(f"{heading} · ")

    title, heading = _title_and_heading(client.get(old_link[:-12] + "/").content.decode())
    assert heading == "Ce lien ne fonctionne pas"  # a link cut short is one that does not work
    assert title.startswith(f"{heading} · ")


def _emailed_path(message, name: str) -> str:
    """Return the path of the emailed link to `name` (confirm or withdraw), its prefix kept."""
    return re.search(rf"http://testserver(\S*/petition/{name}/\S+/)", message.body).group(1)


def test_a_signer_emailed_in_uyghur_can_still_confirm_and_withdraw_once_uyghur_is_switched_off(
    sign, client, mailoutbox
):
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        signature = sign(language="ug").signature
    confirm_path = _emailed_path(mailoutbox[0], "confirm")
    withdraw_path = _emailed_path(mailoutbox[0], "withdraw")
    assert confirm_path.startswith("/ug/") and withdraw_path.startswith("/ug/")

    # Uyghur is switched off (the default): the links already sent lead to the same pages.
    confirm = client.get(f"{confirm_path}?src=email")
    assert (confirm.status_code, confirm["Location"]) == (302, f"{confirm_path[3:]}?src=email")
    page = client.get(confirm["Location"])
    assert page.status_code == 200
    assert page.context["signature"] == signature
    assert '<form method="post">' in page.content.decode()  # the button that confirms
    withdraw = client.get(withdraw_path)
    assert (withdraw.status_code, withdraw["Location"]) == (302, withdraw_path[3:])
    page = client.get(withdraw["Location"])
    assert page.status_code == 200
    assert page.context["signature"] == signature


def test_a_page_that_exists_in_no_language_is_still_not_found_under_a_language_switched_off(
    client, db
):
    assert client.get("/ug/petition/no/such/page/").status_code == 404
    # Two letters of a language the site never spoke are no language prefix of ours.
    assert client.get("/de/petition/withdrawn/").status_code == 404
    # Served again once it is switched on: no redirect then.
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        assert client.get("/ug/petition/withdrawn/").status_code == 200


def test_a_cut_confirmation_link_leads_to_the_petitions_form_to_sign_again(sign, petition, client):
    token = signature_links.confirmation_token_make(signature=sign().signature)

    # A mail program wrapped the long link: the signer opens all but its end.
    page = client.get(f"/petition/confirm/{token[:-12]}/")

    assert page.status_code == 400
    html = page.content.decode()
    assert "ou signez à nouveau" in html
    assert f'href="{petition.get_absolute_url()}#act-sign">Signer à nouveau</a>' in html


def test_a_cut_confirmation_link_with_no_petition_open_offers_the_way_home_not_signing(
    sign, petition, client
):
    token = signature_links.confirmation_token_make(signature=sign().signature)
    petition.status = petition.Status.CLOSED
    petition.save()

    html = client.get(f"/petition/confirm/{token[:-12]}/").content.decode()

    assert "signez à nouveau" not in html and "Signer à nouveau" not in html
    assert "<h1>Ce lien ne fonctionne pas</h1>" in html
    assert '<a href="/">' in html  # Mamat's page
