import pytest

from petitions.names import name_clean, name_looks_like_a_name


@pytest.mark.parametrize(
    "name",
    ["Aynur", "Jean-Luc", "O’Brien", "D'Arcy", "María José de la Cruz", "ئابدۇلئەزىز", "Мамат"],
)
def test_names_of_any_script_look_like_names(name):
    assert name_looks_like_a_name(name_clean(name))


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Visit http://evil.example/claim now",
        "evil.example",
        "<script>alert(1)</script>",
        "Aynur2",
        "Aynur!",
        "-Aynur",
        "Ay--nur",
        "one two three four five six",
        "x" * 51,
    ],
)
def test_what_is_not_a_name_is_never_shown(name):
    assert not name_looks_like_a_name(name_clean(name))


def test_cleaning_removes_invisible_and_direction_characters_and_composes_accents():
    assert name_clean("  Ay\u202enur\u200b  Tur\u2066sun\n") == "Aynur Tursun"
    assert name_clean("Jose\u0301") == "José"
