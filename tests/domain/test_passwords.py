"""The password rule (NCSC): a minimum length, no composition rules, no common password."""

import secrets

import pytest

from app.domain.errors import DomainError
from app.domain.passwords import MIN_PASSWORD_LENGTH, check_password, common_passwords


def _refused(password: str, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        check_password(password, **kwargs)
    assert error.value.field == "password"
    return error.value.message


def test_the_minimum_is_twelve_characters():
    assert MIN_PASSWORD_LENGTH == 12
    assert "12 characters or more" in _refused("river stone")  # 11
    check_password("river stones")  # 12


@pytest.mark.parametrize("password", ["alllowercaseletters", "ALL CAPITALS HERE", "no digits or symbols at all"])
def test_no_composition_rules(password):
    check_password(password)


def test_the_list_holds_thousands_of_common_passwords():
    assert len(common_passwords()) > 10_000
    assert {"password", "qwertyuiop", "iloveyou"} <= common_passwords()


@pytest.mark.parametrize(
    "password",
    ["qwertyuiop123", "Password1234!", "1234567890123", "ILOVEYOU 2024", "p.a.s.s.w.o.r.d.123", "1qaz2wsx3edc"],
)
def test_common_passwords_are_refused_with_padding_case_and_punctuation_ignored(password):
    assert "most common passwords" in _refused(password)


def test_the_persons_own_email_address_is_refused():
    assert "email address" in _refused("Priya.Shah@Example.org", email="priya.shah@example.org")


def test_control_characters_are_refused():
    assert "control characters" in _refused("twelve chars\x00long")


def test_a_generated_demo_password_passes():
    for _ in range(50):
        check_password(secrets.token_urlsafe(12))
