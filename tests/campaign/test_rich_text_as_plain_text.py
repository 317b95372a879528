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


def test_the_word_right_after_a_link_is_not_glued_to_its_address():
    html = (
        '<p>Texte <a href="https://x.org/">lien</a><strong>gras</strong> et '
        '<a href="https://x.org/a">un</a><a href="https://x.org/b">deux</a>, fin.</p>'
    )

    assert rich_text_as_plain_text(html) == (
        "Texte lien (https://x.org/) gras et un (https://x.org/a) deux (https://x.org/b), fin."
    )


def test_punctuation_right_after_a_link_stays_against_its_address():
    html = (
        '<p>Lisez <a href="https://x.org/">ceci</a>. '
        'Et <a href="https://x.org/">cela</a>, merci.</p>'
    )

    assert rich_text_as_plain_text(html) == (
        "Lisez ceci (https://x.org/). Et cela (https://x.org/), merci."
    )


def test_inline_tags_keep_the_spaces_the_html_shows_and_add_none():
    html = (
        "<p><strong>Libérez </strong>Mamat<em> Ablet</em>, "
        "<strong>au</strong><em>jourd’hui</em>.</p>"
    )

    assert rich_text_as_plain_text(html) == "Libérez Mamat Ablet, aujourd’hui."


def test_no_break_spaces_of_french_punctuation_stay_no_break_spaces():
    html = "<p>Libérez Mamat&nbsp;! «\u00a0Justice\u00a0» maintenant\u202f?</p>"

    assert (
        rich_text_as_plain_text(html)
        == "Libérez Mamat\u00a0! «\u00a0Justice\u00a0» maintenant\u202f?"
    )


def test_a_paragraph_of_nothing_but_a_no_break_space_is_left_out():
    html = "<p>Bonjour,</p><p>&nbsp;</p><p>Merci.</p>"

    assert rich_text_as_plain_text(html) == "Bonjour,\n\nMerci."


def test_a_link_whose_words_are_its_address_give_or_take_a_final_slash_shows_it_once():
    html = (
        '<p><a href="https://example.org">https://example.org/</a> et '
        '<a href="https://example.org/page/">https://example.org/page</a></p>'
    )

    assert rich_text_as_plain_text(html) == "https://example.org/ et https://example.org/page"


def test_a_list_items_second_paragraph_lines_up_under_its_first():
    html = (
        "<ul><li><p>sa libération</p><p>sans condition</p></li>"
        "<li><p>des soins</p><ol><li><p>un médecin</p><p>choisi par sa famille</p></li></ol>"
        "<p>dès maintenant</p></li></ul>"
    )

    assert rich_text_as_plain_text(html) == (
        "- sa libération\n\n"
        "  sans condition\n\n"
        "- des soins\n"
        "  1. un médecin\n\n"
        "     choisi par sa famille\n\n"
        "  dès maintenant"
    )


def test_headings_and_line_breaks_read_as_lines_of_their_own():
    html = (
        "<h2>Des nouvelles</h2><h3>De Mamat</h3><p>Il va bien.<br><br>Il lit.<br></p><p>Merci.</p>"
    )

    assert rich_text_as_plain_text(html) == (
        "Des nouvelles\n\nDe Mamat\n\nIl va bien.\n\nIl lit.\n\nMerci."
    )


def test_right_to_left_text_keeps_its_words_in_order_and_its_link():
    html = '<p dir="rtl">مەمەت ئەركىن <a href="https://x.org/">ئۇلىنىش</a>ئىمزا</p>'

    assert rich_text_as_plain_text(html) == "مەمەت ئەركىن ئۇلىنىش (https://x.org/) ئىمزا"
