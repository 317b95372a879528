"""The signed links a signer is emailed: confirm the signature, withdraw it, or stop the news."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

from petitions.models import Petition, Signature
from petitions.selectors import petition_by_id

CONFIRM_SALT = "petitions.signature.confirm"
WITHDRAW_SALT = "petitions.signature.withdraw"
NEWS_STOP_SALT = "updates.unsubscribe"


class SignatureLinkInvalid(Exception):
    """The link was cut or altered, or its signature no longer exists."""


class SignatureGone(SignatureLinkInvalid):
    """The link is whole and ours, but its signature is no longer kept: withdrawn or erased."""


class SignatureLinkExpired(SignatureLinkInvalid):
    """The link is older than it may be (SIGNATURE_CONFIRMATION_MAX_AGE or
    SIGNATURE_WITHDRAW_LINK_MAX_AGE).

    `petition` is the one the signature was for, while the site still keeps the signature: the
    page can send the signer straight back to its form. `is_confirmed` says the signature was
    confirmed since: an old confirmation link then needs nothing more, and the page says so
    rather than ask for a new link that signing again would not send.
    """

    def __init__(self, *, petition: Petition | None = None, is_confirmed: bool = False) -> None:
        super().__init__()
        self.petition = petition
        self.is_confirmed = is_confirmed


def _expired_link_error(public_id: str) -> SignatureLinkExpired:
    """What an expired link may say of its signature: its petition, and if it was confirmed."""
    found = (
        Signature.objects.filter(public_id=public_id)
        .values_list("petition_id", "confirmed_at")
        .first()
    )
    if found is None:
        return SignatureLinkExpired()
    petition_id, confirmed_at = found
    return SignatureLinkExpired(
        petition=petition_by_id(petition_id=petition_id), is_confirmed=confirmed_at is not None
    )


def confirmation_token_make(*, signature: Signature) -> str:
    return signing.dumps(str(signature.public_id), salt=CONFIRM_SALT)


def withdrawal_token_make(*, signature: Signature) -> str:
    return signing.dumps(str(signature.public_id), salt=WITHDRAW_SALT)


def withdrawal_url_make(*, signature: Signature, language: str) -> str:
    """Return a fresh link to withdraw the signature, its page in `language`.

    Every email to a signer carries one: the link in the confirmation email stops working after
    SIGNATURE_WITHDRAW_LINK_MAX_AGE, and its page sends the signer to a more recent email.
    """
    with translation.override(language):
        path = reverse(
            "petitions:withdraw", kwargs={"token": withdrawal_token_make(signature=signature)}
        )
    return settings.SITE_URL + path


def news_stop_token_make(*, signature: Signature) -> str:
    return signing.dumps(str(signature.public_id), salt=NEWS_STOP_SALT)


def _signature_by_token(*, token: str, salt: str, max_age: int | None) -> Signature:
    try:
        public_id = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        # Ours and whole, only old: which petition it was for, and whether it was confirmed
        # since, are no secret to its holder.
        public_id = signing.loads(token, salt=salt)
        raise _expired_link_error(public_id) from error
    except signing.BadSignature as error:
        raise SignatureLinkInvalid from error
    try:
        signature = Signature.objects.get(public_id=public_id)
    except Signature.DoesNotExist as error:
        raise SignatureGone from error
    # From this worker's memory: joined, its translated columns tripled the row to compile
    # and read, on the three pages each signer opens (confirm, confirmed, withdraw).
    signature.petition = petition_by_id(petition_id=signature.petition_id)
    return signature


def signature_for_confirmation(*, token: str) -> Signature:
    """Return the signature a confirmation link is for, changing nothing (GET is safe)."""
    return _signature_by_token(
        token=token, salt=CONFIRM_SALT, max_age=settings.SIGNATURE_CONFIRMATION_MAX_AGE
    )


def signature_for_withdrawal(*, token: str) -> Signature:
    """Return the signature a withdrawal link is for, changing nothing (GET is safe)."""
    return _signature_by_token(
        token=token, salt=WITHDRAW_SALT, max_age=settings.SIGNATURE_WITHDRAW_LINK_MAX_AGE
    )


def signature_for_news_stop(*, token: str) -> Signature:
    """Return the signature a stop link is for, changing nothing (a GET is safe).

    The link never expires: whoever receives the news may stop it at any time.
    """
    return _signature_by_token(token=token, salt=NEWS_STOP_SALT, max_age=None)
