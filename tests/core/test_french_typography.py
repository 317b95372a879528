"""What the site does to the French staff type: a narrow no-break space where French puts a
space, in the text only, never in markup or an address, and only once."""

import pytest
from django.contrib import admin

from core.admin_mixins import FrenchTypographyAdminMixin, RecordAdminMixin
from core.french_typography import french_text_columns, french_typography_apply

NNBSP = "\u202f"


def test_an_ordinary_or_no_break_space_before_a_sign_becomes_a_narrow_no_break_one():
    typed = "Sa peine : 16 ans ? Non ; jamais\u00a0!"

    assert french_typography_apply(typed) == (
        f"Sa peine{NNBSP}: 16 ans{NNBSP}? Non{NNBSP}; jamais{NNBSP}!"
    )


def test_quotation_marks_take_the_space_inside_whether_typed_or_not():
    assert french_typography_apply("« Libérez-le » et «Libérez-le»") == (
        f"«{NNBSP}Libérez-le{NNBSP}» et «{NNBSP}Libérez-le{NNBSP}»"
    )


def test_a_colon_with_no_space_before_it_is_left_alone():
    typed = "À 12:30, sur https://example.org/rdv?jour=2&heure=12:30 !"

    assert french_typography_apply(typed) == typed.replace(" !", f"{NNBSP}!")


def test_applying_it_twice_changes_nothing_more():
    once = french_typography_apply("<p>« Quoi ? » dit-il : non&nbsp;!</p>", is_html=True)

    assert french_typography_apply(once, is_html=True) == once
    assert once == f"<p>«{NNBSP}Quoi{NNBSP}?{NNBSP}» dit-il{NNBSP}: non{NNBSP}!</p>"


def test_in_rich_text_only_the_text_changes_never_a_tag_or_an_attribute():
    typed = (
        '<p title="Quoi ? « non »"><a href="https://example.org/?q=a : b&amp;r=«x»">Lien</a>'
        " : voir <em>« ici »</em> !</p>"
    )

    assert french_typography_apply(typed, is_html=True) == (
        '<p title="Quoi ? « non »"><a href="https://example.org/?q=a : b&amp;r=«x»">Lien</a>'
        f"{NNBSP}: voir <em>«{NNBSP}ici{NNBSP}»</em>{NNBSP}!</p>"
    )


def test_an_attribute_holding_a_closing_bracket_is_still_read_as_part_of_its_tag():
    typed = '<a href="/x?a=>b ?">Lien ?</a>'

    assert french_typography_apply(typed, is_html=True) == f'<a href="/x?a=>b ?">Lien{NNBSP}?</a>'


def test_code_is_left_as_typed():
    typed = "<p>Tapez <code>a ? b : c</code> :</p><pre>x ; « y »</pre><p>Fin !</p>"

    assert french_typography_apply(typed, is_html=True) == (
        f"<p>Tapez <code>a ? b : c</code>{NNBSP}:</p><pre>x ; « y »</pre><p>Fin{NNBSP}!</p>"
    )


def test_plain_text_that_looks_like_a_tag_is_still_text():
    assert french_typography_apply("<note> : lire") == f"<note>{NNBSP}: lire"


def test_a_call_to_actions_link_is_not_french_text_but_its_title_is():
    from campaign.models import CallToAction

    columns = french_text_columns(CallToAction)

    assert "url_fr" not in columns
    assert columns["title_fr"] is False
    assert "title_en" not in columns


def _admins_of_french_text():
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if french_text_columns(model) and not isinstance(model_admin, RecordAdminMixin)
    ]


def test_the_admins_checked_include_every_kind_of_french_text_staff_write():
    names = {type(model_admin).__name__ for model_admin in _admins_of_french_text()}

    assert {
        "PageAdmin",
        "CampaignAdmin",
        "CallToActionAdmin",
        "PetitionAdmin",
        "TargetAdmin",
        "LetterTemplateAdmin",
        "DeliveryReplyAdmin",
        "SupporterUpdateAdmin",
    } <= names


@pytest.mark.parametrize("model_admin", _admins_of_french_text(), ids=lambda a: type(a).__name__)
def test_every_admin_where_staff_write_french_typesets_it(model_admin):
    assert isinstance(model_admin, FrenchTypographyAdminMixin)
