"""Every admin form's scripts run under the content security policy.

The policy allows no inline script without the request's nonce. The rich text editor loads
its modules through an inline import map: on the updates to signers, where it lacked the
nonce, the browser refused it and staff were left with a bare text box for HTML.
"""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)([^>]*)>", re.I)
DATA_BLOCK = re.compile(r'type="application/(?:ld\+)?json"')


def _admin_pages(model_admin):
    opts = model_admin.model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    yield reverse(f"{name}_changelist")
    yield reverse(f"{name}_add")
    first = model_admin.model._default_manager.order_by("pk").first()
    if first is not None:
        yield reverse(f"{name}_change", args=[first.pk])


def _scripts_refused(response) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    nonces = set(re.findall(r"'nonce-([^']+)'", policy))
    page = response.content.decode()
    refused = []
    for match in INLINE_SCRIPT.finditer(page):
        attributes = match.group(1)
        if DATA_BLOCK.search(attributes):
            continue  # data for a script, never run
        nonce = re.search(r'\snonce="([^"]*)"', attributes)
        if nonce is None or nonce.group(1) not in nonces:
            refused.append(match.group(0))
    return refused


def test_no_admin_page_has_an_inline_script_the_policy_refuses(
    mamat_campaign, verified_staff_client
):
    refused = {}
    for model_admin in admin.site._registry.values():
        for url in _admin_pages(model_admin):
            response = verified_staff_client.get(url, headers={"accept-language": "fr"})
            if response.status_code == 200 and (scripts := _scripts_refused(response)):
                refused[url] = scripts

    assert refused == {}


def test_the_update_form_loads_the_rich_text_editor(verified_staff_client):
    response = verified_staff_client.get(reverse("admin:updates_supporterupdate_add"))

    assert 'type="importmap"' in response.content.decode()
    assert _scripts_refused(response) == []
