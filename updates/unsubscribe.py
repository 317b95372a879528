"""The link in every update that stops the next ones: one click (RFC 8058) or one button.

The link names the signature, signed, and never expires: whoever receives an update may stop
the next ones at any time. Only a POST stops anything (a mail scanner's GET never does); the
POST a mail client sends for `List-Unsubscribe-Post` carries no CSRF token, and needs none:
the signed link is the proof.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from petitions.models import Signature
from petitions.news import signature_news_stop

UNSUBSCRIBE_SALT = "updates.unsubscribe"


class UnsubscribeLinkInvalid(Exception):
    """The link was altered, or its signature no longer exists."""


def unsubscribe_url(*, signature: Signature) -> str:
    token = signing.dumps(str(signature.public_id), salt=UNSUBSCRIBE_SALT)
    return settings.SITE_URL + reverse("updates:unsubscribe", kwargs={"token": token})


def signature_for_unsubscribe(*, token: str) -> Signature:
    """Return the signature a link is for, changing nothing."""
    try:
        public_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise UnsubscribeLinkInvalid from error
    signature = Signature.objects.filter(public_id=public_id).first()
    if signature is None:
        raise UnsubscribeLinkInvalid
    return signature


def signer_unsubscribe(*, token: str) -> Signature:
    """Stop every later update to the signer the link is for; doing it twice changes nothing."""
    signature = signature_for_unsubscribe(token=token)
    signature_news_stop(signature_id=signature.pk)
    return signature
