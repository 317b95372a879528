"""Staff on a 1280 px laptop, in French, with Django's menu open: each list fits its column."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.staff_pages import staff_browser_page, staff_page_open
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import CAMPAIGN_EDITORS, DATA_OFFICERS, PETITION_MANAGERS
from tests.staff_fixtures import staff_user_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}


def _right(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


def _last_column_in_sight(page, column: str):
    """Check that a list needs no sideways scroll and ends with `column`, in sight."""
    results = page.locator("#changelist .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    last = page.locator(f"#result_list thead th.column-{column}")
    expect(last).to_be_in_viewport()
    assert _right(last) <= _right(results)
    return last


def test_the_petition_list_shows_each_petition_s_dashboard_without_scrolling_sideways(
    browser, live_server
):
    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    SignatureFactory.create_batch(2, petition=petition, confirmed=True)
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/petitions/petition/")

    results = page.locator("#changelist .results")
    dashboard = page.get_by_role("link", name="Tableau de bord")
    expect(dashboard).to_be_in_viewport()
    assert _right(dashboard) <= _right(results)
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")
    title = page.get_by_role("link", name=petition.title_fr)
    assert title.bounding_box()["height"] < 60, "the title is squeezed into a column of words"
    context.close()


def test_a_reviewer_s_action_menu_stays_clear_of_the_signature_list_s_filters(browser, live_server):
    SignatureFactory(confirmed=True, country="FR")
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "reviewer")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/petitions/signature/")

    actions = page.locator("#changelist .actions select")
    filters = page.locator("#changelist-filter")
    expect(actions).to_be_visible()
    assert _right(actions) <= filters.bounding_box()["x"]
    country = filters.locator("details", has=page.locator(".country-filter"))
    assert country.locator("summary").text_content().strip() == "Par pays"
    select = country.locator("select")
    assert select.bounding_box()["x"] > filters.bounding_box()["x"] + 10  # inside the margins
    assert filters.bounding_box()["width"] <= 240  # a long country name does not widen it
    context.close()


def test_on_a_phone_a_reviewer_reads_the_whole_action_menu_and_where_to_give_a_reason(
    browser, live_server
):
    SignatureFactory(confirmed=True, country="FR")
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "reviewer")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/admin/petitions/signature/")

    actions = page.locator("#changelist .actions")
    menu, reason = actions.locator("select[name=action]"), actions.locator("input[name=reason]")
    label = actions.locator("label", has=page.locator("input[name=reason]"))
    # Each as wide as the list, one under the other; the reason's label on two lines at most.
    for field in (menu, reason):
        assert field.bounding_box()["width"] >= actions.bounding_box()["width"] - 2
        assert _right(field) <= _right(actions) + 0.5
    assert reason.bounding_box()["y"] > menu.bounding_box()["y"] + menu.bounding_box()["height"]
    label_text_height = label.bounding_box()["height"] - reason.bounding_box()["height"]
    assert label_text_height < 60, "the reason's label runs down in a column a word wide"
    context.close()


def test_a_reviewer_sees_every_column_of_the_signature_list_without_scrolling_sideways(
    browser, live_server
):
    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    SignatureFactory.create_batch(2, petition=petition, confirmed=True, country="FR")
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "reviewer")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/petitions/signature/")

    confirmed_at = _last_column_in_sight(page, "confirmed_at")
    expect(confirmed_at).to_have_text("Confirmée le")
    context.close()


def test_an_editor_sees_each_page_s_preview_link_beside_its_title(
    browser, live_server, mamat_campaign
):
    context, page = staff_page_open(browser, live_server, CAMPAIGN_EDITORS, "editor")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/campaign/page/")

    results = page.locator("#changelist .results")
    previews = page.get_by_role("link", name="Aperçu")
    assert previews.count() == 6
    for index in range(previews.count()):
        expect(previews.nth(index)).to_be_in_viewport()
        assert _right(previews.nth(index)) <= _right(results)
    context.close()


def test_a_petition_s_tools_stand_clear_of_its_name_on_its_page(browser, live_server):
    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/petitions/petition/{petition.pk}/change/")

    name = page.get_by_role("heading", level=2, name=petition.title_fr).bounding_box()
    tools = page.locator(".object-tools").bounding_box()
    assert page.locator(".object-tools li").count() >= 4
    assert tools["y"] >= name["y"] + name["height"], (tools, name)
    context.close()


def test_on_a_phone_a_petition_s_dashboard_tools_line_up_at_the_right(browser, live_server):
    from django.contrib.auth.models import Group, User

    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")
    User.objects.get(username="manager").groups.add(Group.objects.get(name=DATA_OFFICERS))
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/admin/petitions/petition/{petition.pk}/dashboard/")

    export, invalidate = page.locator(".object-tools li").all()
    assert export.bounding_box()["y"] < invalidate.bounding_box()["y"]  # one a line
    # As on the petition's own page, at the right; Django's phone rules put them at the left,
    # every tool after the first set 15 px in even on a line of its own.
    edge = _right(page.locator(".petition-dashboard .module").first)
    assert [_right(export), _right(invalidate)] == [pytest.approx(edge, abs=1)] * 2
    context.close()


def test_the_delivery_schedules_show_every_column_without_scrolling_sideways(browser, live_server):
    from deliveries.models import DeliverySchedule

    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    DeliverySchedule.objects.create(
        petition=petition, every_days=30, threshold=1000, is_active=False, waits_for_address=True
    )
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/deliveries/deliveryschedule/")

    _last_column_in_sight(page, "last_run_at")
    context.close()


def test_an_update_s_plain_text_preview_wraps_inside_the_page(browser, live_server):
    from updates.models import SupporterUpdate

    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    update = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Des nouvelles", body_fr="<p>" + "Mamat " * 80 + "</p>"
    )
    context, page = staff_page_open(browser, live_server, PETITION_MANAGERS, "manager")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/updates/supporterupdate/{update.pk}/step/preview/")

    text = page.locator(".update-preview__text")
    # Its lines ran past the page's edge, hidden under it: the signer's paragraph cut short.
    assert text.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert _right(text) <= LAPTOP["width"]
    context.close()


def test_erasing_a_person_asks_with_a_red_button_beside_a_way_back(browser, live_server):
    SignatureFactory(email="zeynep@example.org")
    context, page = staff_page_open(browser, live_server, DATA_OFFICERS, "officer")
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/admin/petitions/signature/erase/")
    page.fill("input[name=email]", "zeynep@example.org")
    page.locator("#content-main [type=submit]").click()

    erase = page.locator("input[type=submit].deletelink")
    back = page.get_by_role("link", name="Non, revenir en arrière")
    # The irreversible step had the blue of any other button, the way back was link text.
    erase_box, back_box = erase.bounding_box(), back.bounding_box()
    assert (
        abs((erase_box["y"] + erase_box["height"] / 2) - (back_box["y"] + back_box["height"] / 2))
        <= 2
    )
    assert "cancel-link" in back.get_attribute("class")
    background = erase.evaluate("element => getComputedStyle(element).backgroundColor")
    red, green, blue = (int(part) for part in re.findall(r"\d+", background)[:3])
    assert red > 150 and green < 100 and blue < 100, background
    context.close()


def test_recording_a_reply_shows_the_whole_choice_of_delivery_inside_the_form(browser, live_server):
    from deliveries import batches, sending
    from tests.deliveries.factories import address_approved
    from tests.factories import TargetFactory

    petition = PetitionFactory(title_fr="Libérez Mamat, enfermé dans un camp du Xinjiang")
    target = address_approved(TargetFactory(email="ambassade@embassy.test"))
    petition.targets.set([target])
    SignatureFactory(petition=petition, confirmed=True)
    delivery = batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)  # only a sent delivery can be answered
    admin = staff_user_create("admin", is_superuser=True)
    context, page = staff_browser_page(browser, live_server, admin, locale="fr-FR")
    page.set_viewport_size(LAPTOP)

    page.goto(f"{live_server.url}/admin/deliveries/deliveryreply/add/")

    choice = page.locator("select[name=delivery]")
    expect(choice.locator("option")).to_have_count(2)
    # Its arrow was 480 px past the form's edge, out of sight.
    assert _right(choice) <= _right(page.locator("#content-main fieldset"))
    context.close()
