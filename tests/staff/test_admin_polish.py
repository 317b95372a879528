"""The admin is the campaign's own: its name, no raw device tables, codes easy to type and keep."""

import html
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff_fixtures import STAFF_PASSWORD, staff_user_create, totp_code

pytestmark = pytest.mark.django_db


def test_the_header_names_the_campaign_not_django(mamat_campaign, verified_staff_client):
    page = verified_staff_client.get("/admin/", headers={"accept-language": "fr"}).content.decode()

    assert "Libérez Mamat · administration" in page
    assert "Django" not in page.split("<body", 1)[1].split('id="content"', 1)[0]


def test_the_one_time_password_device_tables_are_not_in_the_admin():
    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_code_field_opens_a_numeric_keypad_and_takes_the_code_from_the_phone(client):
    user = staff_user_create()
    client.post(reverse("admin:login"), {"username": "staff", "password": STAFF_PASSWORD})
    page = client.get(reverse("admin:staff_two_factor_enrol")).content.decode()

    field = re.search(r'<input[^>]*name="token"[^>]*>', page).group(0)
    assert 'inputmode="numeric"' in field
    assert 'autocomplete="one-time-code"' in field
    assert user.pk


def test_backup_codes_are_digits_and_can_be_copied_or_downloaded(client):
    user = staff_user_create()
    client.post(reverse("admin:login"), {"username": "staff", "password": STAFF_PASSWORD})
    client.get(reverse("admin:staff_two_factor_enrol"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post(
        reverse("admin:staff_two_factor_enrol"), {"token": totp_code(device), "next": "/admin/"}
    )

    codes = response.context["codes"]
    assert all(re.fullmatch(r"\d{12}", code) for code in codes)
    page = response.content.decode()
    assert f'data-copy-codes="{" ".join(codes)}"' in page
    download = re.search(r'<a[^>]*download="[^"]+\.txt"[^>]*href="([^"]+)"', page).group(1)
    assert download.startswith("data:text/plain;charset=utf-8,")
    assert download.endswith("%0A".join(codes) + "%0A")
    assert "staff/backup_codes.js" in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_help_text_holds_angle_brackets_the_admin_would_take_for_markup(language):
    # The admin prints a field's help text as HTML: "/petition/<slug>/" showed "/petition//".
    from django.utils import translation

    with translation.override(language):
        bracketed = [
            f"{model.__name__}.{field.name}: {field.help_text}"
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if re.search(r"<[^>]*>", str(getattr(field, "help_text", "")))
        ]

    assert bracketed == []


def test_french_admin_titles_never_need_an_elided_de(mamat_campaign, verified_staff_client):
    # Django's French titled the form "Modification de appel à l'action": French elides "de"
    # before a vowel, and many of our models' names start with one.
    from django.utils import translation

    with translation.override("fr"):
        titles = [
            translation.gettext(title) % model._meta.verbose_name
            for model in admin.site._registry
            for title in ("Add %s", "Change %s", "View %s")
        ]
    assert not [title for title in titles if re.search(r"\bde [aeiouyéèêàâîôûh]", title, re.I)]

    call_to_action = mamat_campaign.calls_to_action.first()
    page = verified_staff_client.get(
        reverse("admin:campaign_calltoaction_change", args=[call_to_action.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()
    assert "<h1>Modification\u00a0: appel à l&#x27;action</h1>" in page


def test_the_rich_text_editors_link_form_speaks_french(verified_staff_client):
    catalogue = verified_staff_client.get(
        reverse("admin:jsi18n"), headers={"accept-language": "fr"}
    ).content.decode()

    assert '"Edit Link": "Modifier le lien"' in catalogue
    assert '"Now": "Maintenant"' in catalogue  # and the admin's own strings stay


def test_each_list_is_titled_by_its_name_in_french(verified_staff_client):
    from django.utils import translation

    for model in admin.site._registry:
        opts = model._meta
        page = verified_staff_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            headers={"accept-language": "fr"},
        ).content.decode()

        with translation.override("fr"):
            name = str(opts.verbose_name_plural)
        heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
        title = page.split("<title>")[1].split("</title>")[0].split("|")[0]
        # Not Django's "Sélectionnez l'objet signature à changer".
        assert html.unescape(heading) == name[0].upper() + name[1:], opts.label
        assert html.unescape(title.strip()) == name[0].upper() + name[1:], opts.label


def test_each_list_s_add_button_reads_as_french(verified_staff_client):
    page = verified_staff_client.get(
        reverse("admin:deliveries_deliveryschedule_changelist"), headers={"accept-language": "fr"}
    ).content.decode()

    button = re.search(r'class="addlink">(.*?)</a>', page, re.S).group(1)
    # Not Django's "Ajouter calendrier de remise", which lacks its article.
    assert re.sub(r"[ \n]+", " ", html.unescape(button)).strip() == (
        "Ajouter\u00a0: calendrier de remise"
    )


def test_the_admin_home_s_links_are_verbs_in_french(verified_staff_client):
    page = verified_staff_client.get(
        reverse("admin:index"), headers={"accept-language": "fr"}
    ).content.decode()

    links = {html.unescape(link) for link in re.findall(r'class="changelink"[^>]*>(.*?)</a>', page)}
    assert links == {"Modifier"}  # beside "Ajouter" and "Afficher", not "Modification"
