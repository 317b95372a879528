"""A browser page for a staff member, past the second factor."""

from django.contrib.auth.models import Group
from django.test import Client

from tests.petitions.factories_staff import roles_ensure
from tests.staff_fixtures import login_verified, staff_user_create


def staff_browser_page(browser, live_server, user, *, locale: str = "en-GB"):
    """Return (context, page) of a browser logged in as `user`, past the second factor."""
    client = Client()
    login_verified(client, user)
    context = browser.new_context(locale=locale, accept_downloads=True)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


def staff_page_open(browser, live_server, role: str, username: str):
    """Return (context, page) in French for a new member of `role`."""
    roles_ensure()
    user = staff_user_create(username)
    user.groups.add(Group.objects.get(name=role))
    return staff_browser_page(browser, live_server, user, locale="fr-FR")
