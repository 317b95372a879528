"""A subject or a plain-text email is plain text: "L'ambassade" never reaches a signer escaped."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PetitionFactory
from updates.messages import update_preview_build
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db


def _plain_text_templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    return sorted(path for root in roots for path in root.rglob("*.txt"))


def test_every_plain_text_template_turns_html_escaping_off():
    templates = _plain_text_templates()

    assert len(templates) >= 16
    assert [
        str(path.relative_to(settings.BASE_DIR))
        for path in templates
        if "{% autoescape off %}" not in path.read_text()
    ] == []


def test_an_update_s_subject_keeps_its_apostrophe_and_ampersand():
    petition = PetitionFactory()
    update = SupporterUpdate(
        petition=petition, subject_fr="L'ambassade a répondu & merci", body_fr="<p>Oui.</p>"
    )

    message = update_preview_build(update=update, language="fr")

    # It went out as "L&#x27;ambassade a répondu &amp; merci".
    assert message.subject == "L'ambassade a répondu & merci"
