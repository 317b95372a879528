"""Staff are asked for texts in the languages the site serves, never in one switched off."""

import re

import pytest
from django.urls import reverse

from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.staff_fixtures import login_verified, staff_user_create

pytestmark = pytest.mark.django_db

# Every form in the admin with translated texts: pages, calls to action, petitions, targets,
# the delivery letter and a target's reply.
TRANSLATED_FORMS = [
    "admin:campaign_page_add",
    "admin:campaign_calltoaction_add",
    "admin:petitions_petition_add",
    "admin:petitions_target_add",
    "admin:deliveries_lettertemplate_add",
    "admin:deliveries_deliveryreply_add",
]


def _languages_asked(client, form: str) -> set[str]:
    html = client.get(reverse(form)).content.decode()
    return set(re.findall(r'name="[a-z_]+_(fr|en|ug)"', html))


@pytest.mark.parametrize("form", TRANSLATED_FORMS)
def test_while_uyghur_is_switched_off_no_form_asks_for_a_uyghur_text(client, form):
    login_verified(client, staff_user_create("admin", is_superuser=True))

    assert _languages_asked(client, form) == {"fr", "en"}


@pytest.mark.parametrize("form", TRANSLATED_FORMS)
def test_once_uyghur_is_switched_on_every_form_asks_for_its_texts(client, form, settings):
    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR
    login_verified(client, staff_user_create("admin", is_superuser=True))

    assert _languages_asked(client, form) == {"fr", "en", "ug"}
