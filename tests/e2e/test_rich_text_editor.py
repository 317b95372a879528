"""Staff write an update to signers, and a campaign page, in the rich text editor."""

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from playwright.sync_api import expect

from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.staff_fixtures import login_verified

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(browser, client, live_server, mamat_campaign):
    """A browser page of a superuser who passed the second factor, noting CSP refusals."""
    user = User.objects.create_superuser("writer", password="unused")
    login_verified(client, user)
    context = browser.new_context(locale="fr-FR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    yield page
    context.close()


@pytest.mark.parametrize(
    "form", ["/admin/updates/supporterupdate/add/", "/admin/campaign/page/add/"]
)
def test_staff_type_in_the_rich_text_editor_and_the_text_is_saved_as_typed(
    staff_page, live_server, form
):
    staff_page.goto(live_server.url + form)

    # The editor, not a bare text box for HTML: its import map ran under the policy.
    rich_text = staff_page.locator(".prose-editor").first
    editor = rich_text.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    expect(rich_text.locator(".prose-menubar")).to_be_visible()
    assert not [text for text in staff_page.console_messages if "script-src" in text]

    editor.click()
    staff_page.keyboard.type("Chers signataires,  merci.")
    staff_page.keyboard.press("Enter")
    staff_page.keyboard.type("- une liste")

    saved = rich_text.locator("textarea").input_value()
    assert saved == "<p>Chers signataires,  merci.</p><ul><li><p>une liste</p></li></ul>"
    assert not [text for text in staff_page.console_messages if "white-space" in text]


def test_staff_preview_an_update_as_signers_will_see_it_on_a_computer_and_a_phone(
    staff_page, live_server, mamat_campaign
):
    from petitions.models import Petition
    from updates.models import SupporterUpdate

    update = SupporterUpdate.objects.create(
        petition=Petition.objects.get(),
        subject_fr="Des nouvelles",
        body_fr="<p>Merci à vous.</p>",
    )

    staff_page.goto(f"{live_server.url}/admin/updates/supporterupdate/{update.pk}/step/preview/")

    computer = staff_page.locator('iframe[title="L’e-mail sur un ordinateur"]').bounding_box()
    phone = staff_page.locator('iframe[title="L’e-mail sur un téléphone"]').bounding_box()
    assert computer["width"] >= 576 and phone["width"] == pytest.approx(362, abs=1)
    for title in ("L’e-mail sur un ordinateur", "L’e-mail sur un téléphone"):
        email = staff_page.frame_locator(f'iframe[title="{title}"]')
        expect(email.get_by_text("Merci à vous.")).to_be_visible()
        # Its own styles apply, as in a mail program: the grey around the white card.
        background = email.locator("body").evaluate("body => getComputedStyle(body).background")
        assert "rgb(238, 242, 245)" in background
    assert not [text for text in staff_page.console_messages if "Content Security" in text]


def test_the_editors_menu_is_in_the_staff_members_language(staff_page, live_server):
    staff_page.goto(live_server.url + "/admin/campaign/page/add/")
    menu = staff_page.locator(".prose-editor .prose-menubar").first
    expect(menu).to_be_visible()

    # What a pointer's tooltip and a screen reader say, for every button of the menu.
    for name in ("Liste à puces", "Liste numérotée", "Citation", "Gras", "Italique", "Annuler"):
        expect(menu.get_by_role("button", name=name, exact=True)).to_have_attribute("title", name)
    # The list of block types, and its button as the text under the cursor changes type.
    block_type = menu.locator(".prose-menubar__dropdown .prose-menubar__button")
    expect(block_type).to_have_attribute("aria-label", "Paragraphe")
    staff_page.locator(".ProseMirror[contenteditable=true]").first.click()
    staff_page.keyboard.type("Un titre")
    menu.locator(".prose-menubar__selected").click()
    menu.get_by_role("button", name="Titre 2", exact=True).click()
    expect(block_type).to_have_attribute("aria-label", "Titre 2")
    assert not menu.get_by_text("Heading", exact=False).count()


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_staff_type_the_uyghur_page_right_to_left_and_its_links_left_to_right(
    staff_page, live_server
):
    staff_page.goto(live_server.url + "/admin/campaign/page/add/")

    def direction(locator) -> str:
        return locator.evaluate("element => getComputedStyle(element).direction")

    assert direction(staff_page.locator("#id_title_ug")) == "rtl"
    assert direction(staff_page.locator("#id_lead_ug")) == "rtl"
    body_ug = staff_page.locator(".prose-editor", has=staff_page.locator("#id_body_ug"))
    assert direction(body_ug.locator(".ProseMirror[contenteditable=true]")) == "rtl"
    assert direction(staff_page.locator("#id_title_fr")) == "ltr"
    staff_page.goto(live_server.url + "/admin/campaign/calltoaction/add/")
    assert direction(staff_page.locator("#id_title_ug")) == "rtl"
    assert direction(staff_page.locator("#id_url_ug")) == "ltr"


def test_staff_who_save_an_update_too_large_to_read_go_back_and_find_what_they_typed(
    staff_page, live_server, settings
):
    from updates.models import SupporterUpdate

    # The limit made small, so that a few lines are "too large" here as 3 MB are in production.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4000
    text = "Nous avons remis vos signatures à l’ambassade. " * 100
    staff_page.goto(live_server.url + "/admin/updates/supporterupdate/add/")
    staff_page.locator("#id_subject_fr").fill("Des nouvelles de Mamat")
    rich_text = staff_page.locator(".prose-editor").first
    editor = rich_text.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    staff_page.keyboard.insert_text(text)

    staff_page.locator('input[name="_save"]').click()

    expect(staff_page.locator("h1")).to_have_text("Ce que vous avez envoyé est trop volumineux")
    expect(staff_page.locator("main")).to_contain_text("bouton Retour de votre navigateur")
    staff_page.go_back()
    # As the page says: the form holds what they typed, the rich text too, not an empty editor.
    expect(staff_page.locator("#id_subject_fr")).to_have_value("Des nouvelles de Mamat")
    expect(editor).to_contain_text(text.strip())
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # as if they had shortened it
    staff_page.locator('input[name="_save"]').click()
    expect(staff_page.locator(".messagelist .success")).to_be_visible()
    assert text.strip() in SupporterUpdate.objects.get().body_fr
