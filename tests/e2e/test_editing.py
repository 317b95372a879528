"""A campaign editor changes Mamat's page in the admin and previews a draft."""

import pytest
from django.contrib.auth.models import Permission, User

from campaign.models import Page
from tests.staff_fixtures import login_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor_page(browser, client, live_server, mamat_campaign):
    """A browser page logged in as a campaign editor who passed the second factor."""
    editor = User.objects.create_user("editor", password="unused", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaign",
            codename__in=["view_page", "change_page", "view_campaign", "view_calltoaction"],
        )
    )
    login_verified(client, editor)
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    yield page
    context.close()


def test_editor_retitles_the_case_page_in_french_and_english(editor_page, live_server):
    case = Page.objects.get(slug="mamat")
    editor_page.goto(f"{live_server.url}/admin/campaign/page/{case.pk}/change/")

    editor_page.fill("#id_title_fr", "Liberté pour Mamat")
    editor_page.fill("#id_title_en", "Freedom for Mamat")
    editor_page.click("input[name=_save]")

    editor_page.wait_for_url(f"{live_server.url}/admin/campaign/page/")
    editor_page.goto(live_server.url + "/")
    assert editor_page.locator("h1").inner_text() == "Liberté pour Mamat"
    editor_page.goto(live_server.url + "/en/")
    assert editor_page.locator("h1").inner_text() == "Freedom for Mamat"


def test_draft_is_hidden_from_the_public_but_previewed_by_staff(editor_page, browser, live_server):
    camps = Page.objects.get(slug="camps")
    Page.objects.filter(pk=camps.pk).update(status=Page.Status.DRAFT)

    visitor = browser.new_page()
    assert visitor.goto(live_server.url + "/camps/").status == 404
    visitor.close()

    editor_page.goto(f"{live_server.url}/admin/campaign/page/{camps.pk}/change/")
    with editor_page.expect_popup() as popup:
        editor_page.get_by_role("link", name="Prévisualiser la page enregistrée").click()
    preview = popup.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Les camps et la torture"
    assert "pas publique" in preview.locator("[role=status]").inner_text()
