"""The CSRF token a visitor finds on a page served from memory: Django's middleware takes it.

The page is kept once for every visitor; each gets a token of their own from Django's
`get_token`, which the middleware then checks as on any other page.
"""

import re

import pytest
from django.middleware.csrf import CSRF_SECRET_LENGTH, _does_token_match
from django.test import Client

from petitions.models import Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def _case_page_kept_in_memory(mamat_campaign, _public_page_cache_on):
    Client().get("/")  # the first visitor fills the cache


def _form(html: str) -> tuple[str, str]:
    action = re.search(r'<form[^>]+action="([^"]+/sign/)"', html).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return action, token


def _signature(token: str, email: str) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "first_name": "Aynur",
        "last_name": "Tursun",
        "email": email,
        "country": "FR",
    }


@pytest.mark.usefixtures("_case_page_kept_in_memory")
def test_a_new_visitor_of_the_cached_case_page_signs_with_the_token_it_was_given():
    visitor = Client(enforce_csrf_checks=True)

    page = visitor.get("/")
    action, token = _form(page.content.decode())
    response = visitor.post(action, _signature(token, "aynur@example.org"))

    assert response.status_code == 302
    assert Signature.objects.filter(email="aynur@example.org").exists()
    secret = page.cookies["csrftoken"].value
    assert len(secret) == CSRF_SECRET_LENGTH and len(token) == 2 * CSRF_SECRET_LENGTH


@pytest.mark.usefixtures("_case_page_kept_in_memory")
def test_a_forged_or_borrowed_token_is_refused():
    visitor, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    action, token = _form(visitor.get("/").content.decode())
    _action, others_token = _form(other.get("/").content.decode())
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")

    refused = [
        visitor.post(action, _signature(forged, "forged@example.org")).status_code,
        visitor.post(action, _signature(others_token, "borrowed@example.org")).status_code,
    ]

    assert refused == [403, 403]
    assert not Signature.objects.exists()


@pytest.mark.usefixtures("_case_page_kept_in_memory")
def test_a_returning_visitor_keeps_its_secret_under_a_fresh_mask():
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get("/")
    secret = first.cookies["csrftoken"].value

    second = visitor.get("/")
    _action, first_token = _form(first.content.decode())
    _action, second_token = _form(second.content.decode())

    assert second.cookies["csrftoken"].value == secret
    assert first_token != second_token
    assert _does_token_match(second_token, secret)
