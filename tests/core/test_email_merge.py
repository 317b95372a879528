"""core.email_merge: an email rendered once for a batch of recipients, each one's values put in.

Every signer must get exactly the email that rendering it for them alone gives: their name
escaped in the HTML and as typed in the text, their own links, in their language.
"""

import re

import pytest
from django.test import override_settings

from core import email_merge
from core.email_merge import EmailMerge
from core.email_sending import email_texts_render
from petitions import confirmation_emails
from tests.factories import PetitionFactory, SignatureFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "Camille",
    "Zoé & <Léa>",
    'O\'Brien "Jo"',
    "ئايگۈل",
    "",  # no greeting by name: "Hello,"
]
LINKS = {
    "confirm_url": "https://mamat.example.org/petition/confirm/a1:b2-c3/?x=1&y=<2>",
    "withdraw_url": "https://mamat.example.org/petition/withdraw/d4:e5_f6/",
}


@pytest.fixture
def petition():
    return PetitionFactory(title_fr="Libérez « Mamat » & sa santé", title_en="Free Mamat")


@pytest.mark.parametrize("template", ["petitions/email/confirmation", "petitions/email/reminder"])
@pytest.mark.parametrize("language", ["fr", "en", "ug"])
def test_each_signer_gets_what_rendering_their_email_alone_gives(petition, template, language):
    merge = EmailMerge()
    shared = {"petition": petition, "expiry_days": 7}

    for name in NAMES:
        own = {"greeting_name": name, **LINKS}
        merged = merge.texts(
            template=template, context=shared, own=own, language=language, shared_key=petition.pk
        )

        alone = email_texts_render(template=template, context={**shared, **own}, language=language)
        assert merged == alone, name
    # With a name to greet and without, each with stand-ins and for its first signer alone:
    # not once per signer.
    assert merge.renderings == 4


def _confirmations_sent_counting_renderings() -> tuple[int, list[str]]:
    """Send the confirmations owed; return how many went, and the language of each rendering
    of the templates the batch's merge asked for."""
    renderings = []
    real_render = email_merge.email_texts_render

    def render_counted(**arguments):
        renderings.append(arguments["language"])
        return real_render(**arguments)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(email_merge, "email_texts_render", render_counted)
        sent = confirmation_emails.confirmations_send()
    return sent, renderings


def test_a_batch_of_signers_is_rendered_once_per_language_each_email_their_own(
    petition, mailoutbox
):
    # Each signer's name and language, by address: once the email has gone, the row keeps
    # neither the address nor the name in the clear (petitions/sealing.py).
    signers = {
        f"signer-{number}@example.org": (
            f"Signataire{'abcdefghijklmnopqrst'[number]}",
            "fr" if number % 2 else "en",
        )
        for number in range(20)
    }
    for email, (first_name, language) in signers.items():
        SignatureFactory(petition=petition, first_name=first_name, email=email, language=language)
    sent, renderings = _confirmations_sent_counting_renderings()

    assert sent == 20
    assert sorted(renderings) == ["en", "en", "fr", "fr"]
    for message in mailoutbox:
        (address,) = message.to
        first_name, language = signers[address]
        html = message.alternatives[0][0]
        for part in (message.body, html):
            assert f"{first_name}," in part
            assert part.count("/petition/confirm/") == 1
        english = language == "en"
        assert ("Hello" in message.body) is english
        assert ("Bonjour" in message.body) is not english
    links = {re.search(r"\S+/petition/confirm/\S+", m.body)[0] for m in mailoutbox}
    assert len(links) == 20


def test_signers_of_languages_switched_off_share_the_french_signers_rendering(
    petition, settings, mailoutbox
):
    # English and Uyghur both switched off: three languages recorded, one written in.
    settings.LANGUAGES = [("fr", "French")]
    for number, language in enumerate(["fr", "en", "ug"] * 3):
        SignatureFactory(
            petition=petition,
            first_name=f"Signataire{'abcdefghi'[number]}",
            email=f"signer-{number}@example.org",
            language=language,
        )
    sent, renderings = _confirmations_sent_counting_renderings()

    assert sent == 9
    # Once with stand-ins, once for the first signer alone: not once more per language.
    assert renderings == ["fr", "fr"]
    assert len(mailoutbox) == 9
    for message in mailoutbox:
        number = int(message.to[0].removeprefix("signer-").partition("@")[0])
        assert message.body.startswith(f"Bonjour Signataire{'abcdefghi'[number]},\n")
        assert "/en/" not in message.body and "/ug/" not in message.body


COUNTING_TEMPLATES = {
    "count_subject.txt": "Hi",
    "count.txt": (
        "{% autoescape off %}{{ greeting_name }}: {{ greeting_name|length }}{% endautoescape %}"
    ),
    "count.html": "<p>{{ greeting_name }}</p>",
}
FILTERED_TEMPLATES = {
    "shout_subject.txt": "{% autoescape off %}Hi{% endautoescape %}",
    "shout.txt": "{% autoescape off %}Hello {{ greeting_name|upper }}!{% endautoescape %}",
    "shout.html": "<p>Hello {{ greeting_name }} ({{ greeting_name|length }})</p>",
}


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", FILTERED_TEMPLATES)]},
        }
    ]
)
def test_a_template_that_filters_a_signer_s_value_still_gives_each_signer_their_own_email():
    """A stand-in passed through a filter is not found again: that email is rendered alone."""
    merge = EmailMerge()

    for name in ("Léa", "Jo & Al"):
        texts = merge.texts(
            template="shout", context={}, own={"greeting_name": name}, language="en", shared_key=1
        )

        assert texts == email_texts_render(
            template="shout", context={"greeting_name": name}, language="en"
        )
        assert texts.text == f"Hello {name.upper()}!"


def test_a_value_holding_the_stand_ins_mark_is_rendered_alone(petition):
    merge = EmailMerge()
    own = {"greeting_name": "Léa\0<confirm_url>\0", **LINKS}

    texts = merge.texts(
        template="petitions/email/confirmation",
        context={"petition": petition, "expiry_days": 7},
        own=own,
        language="fr",
        shared_key=petition.pk,
    )

    assert texts == email_texts_render(
        template="petitions/email/confirmation",
        context={"petition": petition, "expiry_days": 7, **own},
        language="fr",
    )


@override_settings(
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", COUNTING_TEMPLATES)]},
        }
    ]
)
def test_a_template_that_measures_a_signer_s_value_renders_each_email_alone():
    """A filter that leaves the stand-in whole beside what it computed from it: the first
    signer's email, rendered alone, differs from the merged one, and no merge is used."""
    merge = EmailMerge()

    texts = [
        merge.texts(
            template="count", context={}, own={"greeting_name": name}, language="en", shared_key=1
        ).text
        for name in ("Léa", "Aynur", "Jo")
    ]

    assert texts == ["Léa: 3", "Aynur: 5", "Jo: 2"]
