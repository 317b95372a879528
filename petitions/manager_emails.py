"""Telling the petition managers about trouble: one email to all, never a reason to fail.

The managers are the active members of the "Petition managers" group and the superusers who
have an email address (petitions.selectors.petition_managers_emails). What the email tells
of is always shown in the admin too: the email is a courtesy on top, so a refusal is logged
and dropped.
"""

import logging

from core.email_sending import email_message_build, email_send
from core.served_languages import email_language
from petitions.selectors import petition_managers_emails

logger = logging.getLogger(__name__)


def petition_managers_email(*, template: str, context: dict, about: str) -> int:
    """Email the managers `template` in the site's language; return how many it went to.

    One email goes to them all, and staff accounts record no language of their own: the
    site's default, which it always serves.

    `about` names what it tells of, for the log when no one has an address or sending fails.
    """
    recipients = petition_managers_emails()
    if not recipients:
        logger.warning("No petition manager has an email address to be told of %s.", about)
        return 0
    message = email_message_build(
        template=template,
        context=context,
        language=email_language(person_language=None),
        to=recipients,
        headers={"Auto-Submitted": "auto-generated"},
        html=False,
    )
    try:
        email_send(message)
    except Exception:
        logger.exception("Petition managers not emailed about %s.", about)
        return 0
    return len(recipients)
