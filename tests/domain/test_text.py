import pytest

from app.domain.errors import DomainError
from app.domain.text import LINE_LIMIT, check_text, control_character


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
