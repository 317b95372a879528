"""Staff type a petition's text and demand as plain text; the site shows its lists as lists."""

from campaign.plain_text import plain_text_render


def test_lines_that_start_with_a_dash_are_a_list_after_their_introduction():
    demand = (
        "Nous demandons aux autorités :\n"
        "- de libérer Mamat ;\n"
        "- de lui donner accès aux soins ;\n"
        "• d'informer sa famille."
    )

    assert plain_text_render(demand) == (
        "<p>Nous demandons aux autorités :</p>\n"
        "<ul><li>de libérer Mamat ;</li><li>de lui donner accès aux soins ;</li>"
        "<li>d&#x27;informer sa famille.</li></ul>"
    )


def test_paragraphs_and_line_breaks_read_as_linebreaks_does():
    text = "Mamat est enfermé.\r\nSa famille attend.\r\n\r\n\r\nSignez."

    assert plain_text_render(text) == (
        "<p>Mamat est enfermé.<br>Sa famille attend.</p>\n<p>Signez.</p>"
    )


def test_a_list_may_end_its_paragraph_and_prose_follow_it():
    assert plain_text_render("- un\n- deux\nEnsuite.") == (
        "<ul><li>un</li><li>deux</li></ul>\n<p>Ensuite.</p>"
    )


def test_a_dash_without_a_space_or_alone_is_text_not_a_list():
    assert plain_text_render("-5 °C la nuit\n-\n— une incise") == (
        "<p>-5 °C la nuit<br>-<br>— une incise</p>"
    )


def test_markup_typed_by_staff_is_shown_not_run():
    assert plain_text_render('<script>x</script>\n- <b onclick="y">z</b>') == (
        "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
        "<ul><li>&lt;b onclick=&quot;y&quot;&gt;z&lt;/b&gt;</li></ul>"
    )


def test_empty_text_renders_nothing():
    assert plain_text_render("  \n ") == ""
