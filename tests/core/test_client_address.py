from django.test import RequestFactory

from core.client_address import address_fingerprint, client_ip, client_network


def _request(forwarded_for: str = ""):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)


def test_without_a_trusted_proxy_the_connecting_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request("203.0.113.9")) == "10.0.0.1"


def test_behind_one_proxy_the_address_it_appended_counts_not_what_the_client_forged(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(_request("198.51.100.66, 203.0.113.9")) == "203.0.113.9"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connecting_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(_request("203.0.113.9")) == "10.0.0.1"


def test_a_fingerprint_depends_on_its_key_and_never_shows_the_address():
    one = address_fingerprint("203.0.113.9", key=b"one")

    assert one == address_fingerprint("203.0.113.9", key=b"one")
    assert one != address_fingerprint("203.0.113.9", key=b"two")
    assert "203.0.113" not in one
    assert address_fingerprint("", key=b"one") == ""


def test_an_ipv6_client_is_its_network_and_an_ipv4_one_its_address():
    assert client_network("2001:db8:5:7::1") == "2001:db8:5:7::/64"
    assert client_network("2001:db8:5:7:ffff:abcd:1:2") == "2001:db8:5:7::/64"
    assert client_network("::ffff:203.0.113.9") == "203.0.113.9"  # IPv4 through an IPv6 socket
    assert client_network("203.0.113.9") == "203.0.113.9"
    assert client_network("unknown") == "unknown"  # what a proxy may write: hashed as it came

    fingerprints = {
        address_fingerprint(address, key=b"one")
        for address in ("2001:db8:5:7::1", "2001:db8:5:7::2", "2001:db8:5:7:9:9:9:9")
    }
    assert len(fingerprints) == 1
    assert address_fingerprint("2001:db8:5:8::1", key=b"one") not in fingerprints
