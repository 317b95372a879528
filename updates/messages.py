"""An update as the email each signer receives, and as the test email its author receives."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.safestring import SafeString

from campaign.richtext import rich_text_as_plain_text, rich_text_links_absolute, rich_text_render
from core.email_merge import EmailMerge
from core.email_sending import email_message_of, email_texts_render, message_id_make, sender_named
from core.served_languages import email_language
from petitions.models import Signature
from petitions.news import news_stop_headers, news_stop_url
from petitions.signature_links import withdrawal_url_make
from updates.models import SupporterUpdate


@dataclass(frozen=True)
class UpdateText:
    """An update's text in one language, as each of its emails carries it."""

    html: SafeString
    plain: str


def update_text_render(*, update: SupporterUpdate, language: str) -> UpdateText:
    """Return the update's text in `language`: sanitized, its links full addresses."""
    written = rich_text_links_absolute(update.body_in(language), site_url=settings.SITE_URL)
    return UpdateText(html=rich_text_render(written), plain=rich_text_as_plain_text(written))


class UpdateTexts:
    """An update's texts for one batch of emails, each language rendered once for all of them.

    Sanitizing parses the whole text (up to TEXT_MAX_BYTES) three times; done for each
    signer, thousands of signers cost thousands of parses giving the same result. The email's
    templates around it are rendered once per language too, each signer's links put in after
    (core.email_merge).
    """

    def __init__(self, *, update: SupporterUpdate) -> None:
        self.update = update
        self._rendered: dict[str, UpdateText] = {}
        self.merge = EmailMerge()

    def in_language(self, language: str) -> UpdateText:
        if language not in self._rendered:
            self._rendered[language] = update_text_render(update=self.update, language=language)
        return self._rendered[language]


def _update_message(
    *,
    update: SupporterUpdate,
    language: str,
    text: UpdateText,
    to: str,
    stop_url: str,
    withdraw_url: str,
    headers: dict[str, str],
    merge: EmailMerge | None = None,
) -> EmailMultiAlternatives:
    shared = {
        "update": update,
        "subject": update.subject_in(language),
        "body_html": text.html,
        "body_text": text.plain,
        "petition": update.petition,
    }
    own = {"unsubscribe_url": stop_url, "withdraw_url": withdraw_url}
    template = "updates/email/update"
    if merge is None:
        texts = email_texts_render(template=template, context={**shared, **own}, language=language)
    else:
        texts = merge.texts(
            template=template, context=shared, own=own, language=language, shared_key=update.pk
        )
    return email_message_of(
        texts=texts,
        from_email=sender_named(update.petition.campaign.name_in(language)),
        to=[to],
        headers=headers,
    )


def update_message_id_make(*, update: SupporterUpdate) -> str:
    """Return a new Message-ID for one signer's email of this update."""
    return message_id_make(idstring=f"update-{update.pk}")


def update_message_build(
    *,
    texts: UpdateTexts,
    signature: Signature,
    address: str,
    message_id: str,
) -> EmailMultiAlternatives:
    """Return the update for one signer, in their language, with one-click unsubscribe.

    `texts` are the batch's, rendered once for every signer in it; `message_id` is the
    recipient row's, the same on every attempt (updates/sending.py).
    """
    update = texts.update
    # A signer of a language switched off reads the update as a French signer does.
    language = update.language_for(email_language(person_language=signature.language))
    stop_url = news_stop_url(signature=signature)
    return _update_message(
        update=update,
        language=language,
        text=texts.in_language(language),
        to=address,
        stop_url=stop_url,
        withdraw_url=withdrawal_url_make(signature=signature, language=language),
        merge=texts.merge,
        headers={
            "Message-ID": message_id,
            # RFC 8058: a mail client's "unsubscribe" button POSTs to this URL.
            **news_stop_headers(stop_url=stop_url),
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        },
    )


def update_preview_build(*, update: SupporterUpdate, language: str) -> EmailMultiAlternatives:
    """Return the update as a signer would get it, its links for the signer going nowhere."""
    return _update_message(
        update=update,
        language=language,
        text=update_text_render(update=update, language=language),
        to="preview@invalid",
        stop_url="#",
        withdraw_url="#",
        headers={},
    )


def update_test_message_build(
    *, update: SupporterUpdate, language: str, address: str
) -> EmailMultiAlternatives:
    """Return the update as a signer would get it, marked as a test, for its author's mailbox."""
    message = update_preview_build(update=update, language=language)
    message.to = [address]
    message.subject = f"[TEST] {message.subject}"
    return message
