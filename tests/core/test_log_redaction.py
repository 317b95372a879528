"""No log line, at any level, holds the token of a confirmation, withdrawal or export link."""

import logging
import re

import pytest
from django.test import Client

from core.log_redaction import secrets_redact
from petitions import signature_links
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_record():
    """Catch every record of every logger at every level, formatted as a handler would."""
    records: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Catch(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_token_of_each_secret_link_is_cut_from_a_text():
    text = (
        "Forbidden (CSRF cookie not set.): /en/petition/withdraw/eyJh.Zq:1t:abc/ and "
        "/petition/confirm/eyJh:x-y_z/?next=1 and /admin/petitions/signature/exports/1:2:3/"
    )

    assert secrets_redact(text) == (
        "Forbidden (CSRF cookie not set.): /en/petition/withdraw/[redacted]/ and "
        "/petition/confirm/[redacted]/?next=1 and /admin/petitions/signature/exports/[redacted]/"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/petition/confirm//{token}/",
        "/petition/CONFIRM/{token}/",
        "/petition/Withdraw///{token}/",
        "/petition%2Fconfirm%2F{token}%2F",
        "/petition/confirm%2f{token}",
        "/petition/confirm/./{token}/",
        "/petition/confirm/ {token}/",
        "/petition/withdraw/%20{token}/",
    ],
)
def test_a_token_is_cut_however_the_path_that_carries_it_is_spelt(path):
    token = "ImQwOWE2Yi00ZDk3LWE5ZGEtNzY0ZjBhNWM0ZGE5Ig:1xXXkR:mxgTxAbC-dEf_01"

    redacted = secrets_redact(f"Not Found: {path.format(token=token)}")

    assert token not in redacted and "[redacted]" in redacted


def test_no_log_record_holds_a_link_token_whatever_the_signer_does(every_record):
    signature = SignatureFactory(petition=PetitionFactory(slug="liberez-mamat"))
    confirm = signature_links.confirmation_token_make(signature=signature)
    withdraw = signature_links.withdrawal_token_make(signature=signature)
    tokens = [confirm, withdraw]

    # A cut link (400) and a path that leads nowhere (404): Django's request logger names both.
    assert Client().get(f"/petition/withdraw/{withdraw[:-6]}/").status_code == 400
    Client().get(f"/petition/confirm/{confirm}x/nothing-here/")
    Client().get(f"/petition/confirm//{confirm}/")  # a doubled slash leads nowhere either
    # Django's CSRF logger writes the path it refused (the links themselves need no cookie).
    logging.getLogger("django.security.csrf").warning(
        "Forbidden (%s): %s", "CSRF cookie not set.", f"/petition/withdraw/{withdraw}/"
    )
    # An error raised with the path in its message, logged with its traceback.
    try:
        raise ValueError(f"could not read /petition/withdraw/{withdraw}/")
    except ValueError:
        logging.getLogger("petitions").exception("A signer's link failed")
    logging.getLogger("gunicorn.error").debug("GET /petition/confirm/%s/", confirm)
    # The signer's own path through the links works, and logs nothing secret either.
    Client().get(f"/petition/confirm/{confirm}/")
    Client().post(f"/petition/confirm/{confirm}/")
    Client().post(f"/petition/withdraw/{withdraw}/")
    assert Client().get(f"/en/petition/confirm/{confirm}/").status_code == 410  # withdrawn since

    logged = "\n".join(every_record)
    assert "Bad Request: /petition/withdraw/[redacted]/" in logged
    assert "Gone: /en/petition/confirm/[redacted]/" in logged
    assert "Forbidden (CSRF cookie not set.): /petition/withdraw/[redacted]/" in logged
    assert "A signer's link failed" in logged and "Traceback" in logged
    assert not [token for token in tokens if token in logged]
    assert not re.search(r"/(confirm|withdraw)/+(?!\[redacted\])[^/\s]+", logged, re.IGNORECASE)


@pytest.mark.parametrize("address", ["alice@example.org", "alice%40example.org"])
def test_a_signers_address_searched_in_the_admin_stays_out_of_make_runs_log(every_record, address):
    # Under `make run` the development server logs every request line, its query string with
    # it: a data officer looking a signer up by address would leave that address in the log.
    request_line = f"GET /admin/petitions/signature/?status=confirmed&q={address}&o=2 HTTP/1.1"
    logging.getLogger("django.server").info('"%s" %s %s', request_line, "200", "34544")

    logged = "\n".join(every_record)
    assert "example.org" not in logged
    assert "GET /admin/petitions/signature/?status=confirmed&q=[redacted]&o=2 HTTP/1.1" in logged
