"""An update as the email each signer receives, and as the test email its author receives."""

from django.core.mail import EmailMultiAlternatives
from django.utils.html import strip_tags

from campaign.richtext import rich_text_render
from core.email_sending import email_message_build, message_id_make
from petitions.models import Signature
from updates.models import SupporterUpdate
from updates.unsubscribe import unsubscribe_url


def _update_message(
    *, update: SupporterUpdate, language: str, to: str, stop_url: str, headers: dict[str, str]
) -> EmailMultiAlternatives:
    body = rich_text_render(update.body_in(language))
    return email_message_build(
        template="updates/email/update",
        context={
            "update": update,
            "subject": update.subject_in(language),
            "body_html": body,
            "body_text": strip_tags(body.replace("</p>", "</p>\n\n")).strip(),
            "unsubscribe_url": stop_url,
            "petition": update.petition,
        },
        language=language,
        to=[to],
        headers=headers,
    )


def update_message_build(
    *, update: SupporterUpdate, signature: Signature, address: str
) -> EmailMultiAlternatives:
    """Return the update for one signer, in their language, with one-click unsubscribe."""
    stop_url = unsubscribe_url(signature=signature)
    return _update_message(
        update=update,
        language=update.language_for(signature.language),
        to=address,
        stop_url=stop_url,
        headers={
            "Message-ID": message_id_make(idstring=f"update-{update.pk}"),
            # RFC 8058: a mail client's "unsubscribe" button POSTs this body to this URL.
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk",
            "Auto-Submitted": "auto-generated",
        },
    )


def update_test_message_build(
    *, update: SupporterUpdate, language: str, address: str
) -> EmailMultiAlternatives:
    """Return the update as a signer would get it, for its author's own mailbox."""
    message = _update_message(
        update=update, language=language, to=address, stop_url="#", headers={}
    )
    message.subject = f"[TEST] {message.subject}"
    return message
