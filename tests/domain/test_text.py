import pytest

from app.domain.errors import DomainError
from app.domain.text import LINE_LIMIT, TextRule, check_text, control_character, one_line, printable


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_naming_the_field_and_the_character(character):
    with pytest.raises(DomainError) as raised:
        check_text(f"before{character}after", "comments", label="Comments")
    assert raised.value.field == "comments"
    assert f"U+{ord(character):04X}" in raised.value.message
    assert raised.value.message.startswith("Comments ")


def test_tabs_and_line_ends_are_allowed_in_multi_line_text():
    assert check_text(" one\ttwo\r\nthree\n ", "note", label="Note") == "one\ttwo\r\nthree"


@pytest.mark.parametrize("text", ["two\nlines", "two\rlines", "tab\there", "para\u2029graph"])
def test_one_line_values_refuse_line_ends_and_tabs(text):
    with pytest.raises(DomainError, match="Title must be on one line"):
        check_text(text, "title", label="Title", multiline=False)


def test_the_limit_is_stated_in_the_error_and_the_boundary_is_allowed():
    assert check_text("x" * LINE_LIMIT, "name", label="Name", limit=LINE_LIMIT) == "x" * LINE_LIMIT
    with pytest.raises(DomainError, match="Name must be 300 characters or fewer \\(it has 301\\)"):
        check_text("x" * (LINE_LIMIT + 1), "name", label="Name", limit=LINE_LIMIT)


def test_surrounding_space_does_not_count_towards_the_limit_and_none_is_empty():
    assert check_text("  abc  ", "name", label="Name", limit=3) == "abc"
    assert check_text(None, "name", label="Name") == ""


def test_ordinary_unicode_is_plain_text():
    assert control_character("Café – “quoted” £5 🙂") is None


def test_a_rule_names_its_label_and_limit_and_one_line_rules_refuse_breaks():
    rule = TextRule("Reason", 5)
    assert rule.check(" short ", "reason") == "short"
    with pytest.raises(DomainError, match=r"Reason must be 5 characters or fewer \(it has 6\)") as raised:
        rule.check("longer", "reason")
    assert raised.value.field == "reason"
    with pytest.raises(DomainError, match="Name must be on one line"):
        one_line("Name").check("a\tb", "name")


def test_printable_keeps_text_tabs_and_line_ends_and_drops_what_exports_cannot_hold():
    assert printable("Café – “quoted”\tend\r\n") == "Café – “quoted”\tend\r\n"
    assert printable("a\x00b\x0bc\x1b[1md\x7fe\x85f\ufffeg\ud800h") == "abc[1mdefgh"
    clean = "nothing to change"
    assert printable(clean) is clean
