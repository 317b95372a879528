"""A campaign editor cannot take `/` offline, and edits a published page as a draft first."""

import pytest
from django.contrib.auth.models import Permission, User

from campaign.models import Page
from tests.e2e.staff_pages import staff_browser_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The French title the editor types, "Mamat : quatre ans sans nouvelles", as the admin saves it:
# French typography keeps the colon with its word (core/french_typography.py).
TITLE_FR_TYPESET = "Mamat\u202f: quatre ans sans nouvelles"


@pytest.fixture
def editor_page(browser, live_server, mamat_campaign):
    """A browser page of a campaign editor who passed the second factor, in English."""
    editor = User.objects.create_user("editor", password="unused", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="campaign",
            codename__in=["view_page", "change_page", "delete_page", "view_campaign"],
        )
    )
    context, page = staff_browser_page(browser, live_server, editor)
    yield page
    context.close()


def test_unpublishing_the_home_page_is_refused_and_the_site_keeps_answering(
    editor_page, browser, live_server
):
    case = Page.objects.get(slug="mamat")
    editor_page.goto(f"{live_server.url}/admin/campaign/page/")
    editor_page.locator(f'input[name=_selected_action][value="{case.pk}"]').check()
    editor_page.select_option("select[name=action]", "unpublish")
    editor_page.locator("button[name=index]").click()

    message = editor_page.locator(".messagelist .error").inner_text()
    assert "shown at the site's address (/)" in message

    editor_page.goto(f"{live_server.url}/admin/campaign/page/{case.pk}/change/")
    editor_page.select_option("#id_status", "draft")
    editor_page.click("input[name=_save]")
    assert "another case page is published" in editor_page.locator(".errorlist").inner_text()

    visitor = browser.new_page()
    assert visitor.goto(live_server.url + "/").status == 200
    assert visitor.goto(live_server.url + "/en/").status == 200
    visitor.close()
    assert Page.objects.get(pk=case.pk).is_published


def test_a_draft_of_the_published_page_is_previewed_then_published_later(
    editor_page, browser, live_server
):
    case = Page.objects.get(slug="mamat")
    published_title = case.title_fr
    editor_page.goto(f"{live_server.url}/admin/campaign/page/{case.pk}/change/")
    editor_page.fill("#id_title_fr", "Mamat : quatre ans sans nouvelles")
    editor_page.fill("#id_title_en", "Mamat: four years without news")
    editor_page.click("input[name=_save_draft]")

    assert (
        "the public still sees the published page"
        in editor_page.locator(".messagelist .success").inner_text()
    )
    visitor = browser.new_page()
    visitor.goto(live_server.url + "/")
    assert visitor.locator("h1").inner_text() == published_title

    assert editor_page.locator("#id_title_fr").input_value() == TITLE_FR_TYPESET
    with editor_page.expect_popup() as popup:
        editor_page.get_by_role("link", name="Preview the saved page").click()
    preview = popup.value
    preview.wait_for_load_state()
    assert preview.locator("h1").inner_text() == "Mamat: four years without news"

    editor_page.click("input[name=_save]")  # publish the draft
    visitor.goto(live_server.url + "/")
    assert visitor.locator("h1").inner_text() == TITLE_FR_TYPESET
    assert Page.objects.get(pk=case.pk).working_copy is None
    visitor.close()
