"""An update's plain-text part reads as its HTML does: lists, links and '&' kept."""

from campaign.richtext import rich_text_as_plain_text


def test_paragraphs_are_apart_and_a_line_break_stays_a_line_break():
    html = "<p>Bonjour,</p><p>La pétition est remise.<br>Merci.</p>"

    assert rich_text_as_plain_text(html) == "Bonjour,\n\nLa pétition est remise.\nMerci."


def test_entities_are_read_back_as_the_characters_they_stand_for():
    html = "<p>Amnesty &amp; ses amis &lt;3 l&#x27;ambassade</p>"

    assert rich_text_as_plain_text(html) == "Amnesty & ses amis <3 l'ambassade"


def test_list_items_start_with_a_dash_or_their_number_nested_ones_indented():
    html = (
        "<p>Nous demandons :</p>"
        "<ul><li><p>sa libération</p></li><li><p>des soins</p>"
        "<ol><li><p>un médecin</p></li><li><p>ses médicaments</p></li></ol></li></ul>"
        "<p>Merci.</p>"
    )

    assert rich_text_as_plain_text(html) == (
        "Nous demandons :\n\n"
        "- sa libération\n"
        "- des soins\n"
        "  1. un médecin\n"
        "  2. ses médicaments\n\n"
        "Merci."
    )


def test_a_link_keeps_its_address_after_its_words():
    html = (
        '<p>Lisez <a href="https://example.org/communique">notre communiqué</a>, '
        'écrivez à <a href="mailto:contact@example.org">contact@example.org</a> '
        'ou <a href="https://example.org/">https://example.org/</a>.</p>'
    )

    assert rich_text_as_plain_text(html) == (
        "Lisez notre communiqué (https://example.org/communique), "
        "écrivez à contact@example.org ou https://example.org/."
    )


def test_a_quotation_and_headings_read_as_plain_text():
    html = "<h2>Des nouvelles</h2><blockquote><p>Il va bien.</p><p>Il lit.</p></blockquote>"

    assert rich_text_as_plain_text(html) == "Des nouvelles\n\n> Il va bien.\n\n> Il lit."


def test_markup_outside_what_the_editor_offers_leaves_only_its_words():
    html = '<p onclick="x()">Bonjour <script>alert(1)</script><img src="x">à tous</p>'

    assert rich_text_as_plain_text(html) == "Bonjour à tous"
