from django.test import RequestFactory

from staff.network import client_ip


def _request(forwarded_for: str = ""):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)


def test_without_a_trusted_proxy_the_connecting_address_counts():
    request = _request("203.0.113.9")

    assert client_ip(request, trusted_proxy_count=0) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_appended_counts_not_what_the_client_forged():
    request = _request("198.51.100.66, 203.0.113.9")

    assert client_ip(request, trusted_proxy_count=1) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connecting_address():
    request = _request("203.0.113.9")

    assert client_ip(request, trusted_proxy_count=2) == "10.0.0.1"
